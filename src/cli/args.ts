// Command-line arguments of `agentmux` (the screen; `agentmux worker` has its own).
import { isModelId, PERMISSION_MODES, type PermissionMode } from '../core/config-schema.js';
import { nameError } from '../core/names.js';

export interface CliArgs {
  theme?: string;
  model?: string;
  permissionMode?: PermissionMode;
  /** The agent profile the main conversation runs as. */
  agent?: string;
  demo: boolean;
  help: boolean;
  version: boolean;
  /** `--continue`: the latest conversation; `--resume [ID]`: a chosen one (a picker without ID). */
  session?: { kind: 'continue' } | { kind: 'resume'; id?: string };
  forkSession: boolean;
}

export const USAGE = 'usage: agentmux [attach] [--theme dark|light|high-contrast|auto|NAME] [--model MODEL] [--agent PROFILE] '
  + '[--permission-mode ask|edits|auto] [--demo] [--continue | --resume [ID]] [--fork-session] [--help] [--version]';

export type ArgsResult = { ok: true; args: CliArgs } | { ok: false; error: string };

const WITH_VALUE = ['--theme', '--model', '--permission-mode', '--agent'] as const;

export function parseArgs(argv: readonly string[]): ArgsResult {
  const args: CliArgs = { demo: false, help: false, version: false, forkSession: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = WITH_VALUE.find((name) => arg === name || arg.startsWith(`${name}=`));
    if (flag) {
      const value = arg === flag ? argv[++i] : arg.slice(flag.length + 1);
      if (!value || value.startsWith('-')) return { ok: false, error: `${flag} needs a value` };
      if (flag === '--theme') args.theme = value;
      else if (flag === '--model') {
        if (!isModelId(value)) return { ok: false, error: `--model: ${JSON.stringify(value)} is not a model id (e.g. claude-sonnet-5-5)` };
        args.model = value;
      } else if (flag === '--agent') {
        const invalid = nameError(value);
        if (invalid) return { ok: false, error: `--agent: ${invalid}` };
        args.agent = value;
      } else {
        if (!PERMISSION_MODES.includes(value as PermissionMode)) return { ok: false, error: `--permission-mode must be one of ${PERMISSION_MODES.join(', ')}` };
        args.permissionMode = value as PermissionMode;
      }
    } else if (arg === '--continue' || arg === '-c' || arg === '--resume' || arg.startsWith('--resume=')) {
      if (args.session) return { ok: false, error: 'give --continue or --resume once' };
      if (arg === '--continue' || arg === '-c') {
        args.session = { kind: 'continue' };
        continue;
      }
      const next = arg === '--resume' ? argv[i + 1] : arg.slice('--resume='.length);
      const id = next !== undefined && !next.startsWith('-') ? next : undefined;
      if (arg === '--resume' && id !== undefined) i++;
      if (id !== undefined && !/^[0-9a-f-]{1,64}$/.test(id)) return { ok: false, error: `--resume: ${JSON.stringify(id)} is not a session ID (run agentmux --resume to choose one)` };
      args.session = { kind: 'resume', ...(id !== undefined ? { id } : {}) };
    } else if (arg === '--fork-session') args.forkSession = true;
    else if (arg === '--demo') args.demo = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg.startsWith('-')) return { ok: false, error: `unknown option ${arg}` };
    else return { ok: false, error: `unexpected argument ${JSON.stringify(arg)}` };
  }
  if (args.forkSession && !args.session) return { ok: false, error: '--fork-session goes with --continue or --resume' };
  return { ok: true, args };
}
