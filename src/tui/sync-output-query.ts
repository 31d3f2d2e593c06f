// Does the terminal support synchronized output (DECSET 2026)? Asked with DECRQM; DA1 after
// it marks the end of the replies, since every terminal answers DA1 and answers in order.

export const SYNC_OUTPUT_QUERY = '\x1b[?2026$p\x1b[c';
const DECRPM_REPLY = /\x1b\[\?2026;(\d)\$y/;
const DA1_REPLY = /\x1b\[\?[\d;]*c/;

/** What the replies received so far say; `complete` once the DA1 reply has come. */
export function readSyncOutputReplies(received: string): { complete: boolean; supported: boolean } {
  const mode = DECRPM_REPLY.exec(received)?.[1];
  // 1: set, 2: reset (both mean the terminal knows the mode); 0: unknown, 3/4: permanently set/reset.
  return { complete: DA1_REPLY.test(received), supported: mode === '1' || mode === '2' };
}
