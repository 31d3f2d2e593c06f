// `agentmux remote-agent …`: what runs on a host agents are started on over ssh (`agentmux host
// install` puts agentmux there). `probe` tells the version; `start` starts an agent in a daemon of
// its own; `attach` follows its output (the link's ssh runs it); `stop` and `tell` reach it; `remove`
// drops an ended run's files once the link has them.
import { homedir } from 'node:os';
import { parseWorkerCommand } from '../core/report-channel.js';
import { parseWorkerStart, remoteRunDir, runIdError, type WorkerStart } from '../core/remote-run.js';
import { attachRemoteRun } from '../pty/remote-attach.js';
import { askRemoteRun } from '../pty/remote-request.js';
import { removeEndedRun } from '../pty/remote-run-removal.js';
import { serveRemoteRun, startRemoteRun } from '../pty/remote-start.js';

export const REMOTE_AGENT_USAGE = [
  'usage: agentmux remote-agent probe',
  '       agentmux remote-agent start --id ID [--cols N --rows N] [--cwd DIR] [--env NAME=VALUE]... [--worker] -- PROGRAM [ARGS...]',
  '       agentmux remote-agent attach --id ID --from BYTES',
  '       agentmux remote-agent stop --id ID',
  '       agentmux remote-agent tell --id ID   (stdin: one command for a built-in worker, as JSON)',
  '       agentmux remote-agent remove --id ID   (an ended run\'s files)',
].join('\n');

interface Options {
  id?: string;
  cwd?: string;
  from?: number;
  cols?: number;
  rows?: number;
  env: Record<string, string>;
  worker: boolean;
  program: string[];
}

function parseOptions(argv: string[]): Options | string {
  const options: Options = { env: {}, worker: false, program: [] };
  for (let at = 0; at < argv.length; at++) {
    const flag = argv[at];
    if (flag === '--') {
      options.program = argv.slice(at + 1);
      break;
    }
    if (flag === '--worker') {
      options.worker = true;
      continue;
    }
    const value = argv[++at];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === '--id') options.id = value;
    else if (flag === '--cwd') options.cwd = value;
    else if (flag === '--from') {
      if (!/^\d+$/.test(value)) return `--from takes a byte offset, not ${JSON.stringify(value)}`;
      options.from = Number(value);
    } else if (flag === '--cols' || flag === '--rows') {
      if (!/^[1-9]\d{0,3}$/.test(value)) return `${flag} takes a terminal size, not ${JSON.stringify(value)}`;
      options[flag === '--cols' ? 'cols' : 'rows'] = Number(value);
    } else if (flag === '--env') {
      const equals = value.indexOf('=');
      if (equals < 1) return `--env takes NAME=VALUE, not ${JSON.stringify(value)}`;
      options.env[value.slice(0, equals)] = value.slice(equals + 1);
    } else return `unknown option ${JSON.stringify(flag)}`;
  }
  if (options.id === undefined) return 'an --id is needed';
  return runIdError(options.id) ?? options;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) text += chunk.toString();
  return text;
}

function parseWorker(text: string): WorkerStart | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'a worker\'s credentials are expected on stdin as JSON';
  }
  const parsed = parseWorkerStart(value);
  return 'error' in parsed ? parsed.error : parsed;
}

/** Runs the command; resolves with its exit status. `self`: node, its options and this CLI's entry (to start the daemon). */
export async function remoteAgentMain(argv: string[], version: string, self: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const fail = (message: string): number => {
    process.stderr.write(`agentmux remote-agent: ${message}\n`);
    return action === undefined || !['probe', 'start', 'attach', 'stop', 'tell', 'remove'].includes(action) ? 2 : 1;
  };
  if (action === 'probe') {
    process.stdout.write(JSON.stringify({ agentmux: version, node: process.version }) + '\n');
    return 0;
  }
  if (action === 'serve' && rest.length === 1) {
    await serveRemoteRun(rest[0], process.stdin, (line) => process.stdout.end(`${line}\n`));
    return 0;
  }
  if (action === undefined || !['start', 'attach', 'stop', 'tell', 'remove'].includes(action)) {
    return fail(`${action === undefined ? 'an action is needed' : `unknown action ${JSON.stringify(action)}`}\n${REMOTE_AGENT_USAGE}`);
  }
  const options = parseOptions(rest);
  if (typeof options === 'string') return fail(`${options}\n${REMOTE_AGENT_USAGE}`);
  const dir = remoteRunDir(process.env, homedir(), options.id as string);
  switch (action) {
    case 'start': {
      const [file, ...args] = options.program;
      if (file === undefined) return fail(`start needs the program after --\n${REMOTE_AGENT_USAGE}`);
      const worker = options.worker ? parseWorker(await readAll(process.stdin)) : undefined;
      if (typeof worker === 'string') return fail(worker);
      const started = await startRemoteRun(
        { id: options.id as string, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}), env: options.env, file, args, cols: options.cols ?? 80, rows: options.rows ?? 24, ...(worker ? { worker } : {}) },
        { env: process.env, home: homedir(), self },
      );
      if ('error' in started) return fail(started.error);
      process.stdout.write(JSON.stringify({ id: options.id, pid: started.pid }) + '\n');
      return 0;
    }
    case 'attach':
      if (options.from === undefined) return fail(`attach needs --from\n${REMOTE_AGENT_USAGE}`);
      return attachRemoteRun(dir, options.from, { input: process.stdin, output: process.stdout });
    case 'remove': {
      const problem = removeEndedRun(dir);
      return problem ? fail(problem) : 0;
    }
    case 'stop': {
      const answer = await askRemoteRun(dir, { type: 'stop' });
      return answer.ok ? 0 : fail(answer.message);
    }
    case 'tell': {
      let value: unknown;
      try {
        value = JSON.parse(await readAll(process.stdin));
      } catch {
        return fail('tell expects one command as JSON on stdin');
      }
      const command = parseWorkerCommand(value);
      if ('error' in command) return fail(`not a command for a worker: ${command.error}`);
      const answer = await askRemoteRun(dir, { type: 'tell', command });
      return answer.ok ? 0 : fail(answer.message);
    }
  }
  return 2;
}
