// `agentmux remote-agent remove --id ID`: the link has the whole log of a run that ended, so its
// directory on the host (log, exit status) is no longer needed.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../core/remote-run.js';

/** Removes the run's directory; a one-line reason when the run has not ended (or there is none). */
export function removeEndedRun(dir: string): string | undefined {
  if (!existsSync(dir)) return 'no such run on this host';
  if (!existsSync(join(dir, RUN_FILES.status))) return 'the agent of this run has not ended: stop it first';
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}
