// Text that comes from a tool, a file or the model is shown on the worker's screen, which agentmux
// also reads for structured reports (core/report-channel.ts). Stripping every escape sequence and
// control character (except newline and tab) means nothing shown can forge a report, retitle the
// window, move the cursor or otherwise act on the terminal.
import { printableLines } from '../core/printable.js';

// 7-bit sequences: OSC / DCS / SOS / PM / APC strings (to BEL, ST, the next ESC or the end), CSI, and
// the two- or three-byte forms (ESC 7, ESC ( B, ...).
const ESC_STRING = /\x1b[\]P^_X][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const ESC_CSI = /\x1b\[[0-?]*[ -/]*[@-~]?/g;
const ESC_OTHER = /\x1b[ -/]*[0-~]?/g;
// The same in their 8-bit (C1) forms: OSC, DCS, SOS, PM, APC strings up to BEL or ST, and CSI.
const C1_STRING = /[\x90\x98\x9d\x9e\x9f][^\x07\x9c\x1b]*(?:\x07|\x9c)?/g;
const C1_CSI = /\x9b[0-?]*[ -/]*[@-~]?/g;

/** `text` without escape sequences and control characters; \n and \t stay, \r\n and lone \r become \n. */
export function sanitize(text: string): string {
  const withoutSequences = text
    .replace(ESC_STRING, '')
    .replace(ESC_CSI, '')
    .replace(ESC_OTHER, '')
    .replace(C1_STRING, '')
    .replace(C1_CSI, '')
    .replace(/\r\n?/g, '\n');
  // Whatever control character is left: C0 except \t and \n, DEL, and C1.
  return printableLines(withoutSequences);
}
