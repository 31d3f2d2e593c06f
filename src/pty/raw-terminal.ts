// Puts this process's terminal (its stdin) into raw mode with output processing off too: the remote
// side of a link passes the agent's bytes through unchanged, and bytes are counted at both ends.
// Node's setRawMode leaves OPOST on, which would turn "\n" into "\r\n" on the way out.
import { spawnSync } from 'node:child_process';

/** Whether the terminal is raw now (false when stdin is no terminal). */
export function rawTerminal(input: NodeJS.ReadStream): boolean {
  if (!input.isTTY) return false;
  return spawnSync('stty', ['raw', '-echo'], { stdio: ['inherit', 'ignore', 'ignore'] }).status === 0;
}
