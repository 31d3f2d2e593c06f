// Command-line arguments of `agentmux` (the screen; `agentmux worker` has its own).
import { isModelId, PERMISSION_MODES, type PermissionMode } from '../core/config-schema.js';

export interface CliArgs {
  theme?: string;
  model?: string;
  permissionMode?: PermissionMode;
  demo: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = 'usage: agentmux [--theme dark|light|high-contrast|auto|NAME] [--model MODEL] '
  + '[--permission-mode ask|edits|auto] [--demo] [--help] [--version]';

export type ArgsResult = { ok: true; args: CliArgs } | { ok: false; error: string };

const WITH_VALUE = ['--theme', '--model', '--permission-mode'] as const;

export function parseArgs(argv: readonly string[]): ArgsResult {
  const args: CliArgs = { demo: false, help: false, version: false };
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
      } else {
        if (!PERMISSION_MODES.includes(value as PermissionMode)) return { ok: false, error: `--permission-mode must be one of ${PERMISSION_MODES.join(', ')}` };
        args.permissionMode = value as PermissionMode;
      }
    } else if (arg === '--demo') args.demo = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg.startsWith('-')) return { ok: false, error: `unknown option ${arg}` };
    else return { ok: false, error: `unexpected argument ${JSON.stringify(arg)}` };
  }
  return { ok: true, args };
}
