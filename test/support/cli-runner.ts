// Runs the built agentmux CLI as a script would (no terminal) and collects what it printed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI_ENTRY = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], options: { env: Record<string, string>; cwd: string; timeoutMs?: number; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [CLI_ENTRY, ...args], { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 20_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`agentmux ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Stops the agentmux server of this environment, if one runs, and its agents with it. */
export async function stopServer(env: Record<string, string>, cwd: string): Promise<void> {
  const result = await runCli(['server', 'stop', '--force'], { env, cwd });
  if (result.code !== 0) throw new Error(`agentmux server stop failed (${result.code}): ${result.stderr}`);
}
