// The processes a test started through agentmux (its server and the server's agents), found
// in /proc by the test's own XDG_RUNTIME_DIR, so tests running side by side never mix them up.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  argv: string[];
}

/** Our processes (from /proc) whose environment has `env`'s XDG_RUNTIME_DIR: a test's server and its agents. */
export function processesOf(env: Record<string, string>): ProcInfo[] {
  const marker = `XDG_RUNTIME_DIR=${env.XDG_RUNTIME_DIR}`;
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z')) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(marker)) continue;
      found.push({ pid, argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch (error) {
      // Gone while we looked, or not ours to read.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ESRCH' && code !== 'EACCES') throw error;
    }
  }
  return found;
}

/** The pids of the `agentmux server run` processes with `env`'s XDG_RUNTIME_DIR. */
export function serverPidsOf(env: Record<string, string>): number[] {
  return processesOf(env)
    .filter(({ argv }) => argv.some((word, i) => word === 'server' && argv[i + 1] === 'run'))
    .map(({ pid }) => pid);
}
