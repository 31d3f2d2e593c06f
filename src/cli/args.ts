// Command-line arguments of `agentmux`.

export interface CliArgs {
  theme?: string;
  help: boolean;
  version: boolean;
}

export const USAGE = 'usage: agentmux [--theme dark|light|high-contrast|auto|NAME] [--help] [--version]';

export type ArgsResult = { ok: true; args: CliArgs } | { ok: false; error: string };

export function parseArgs(argv: readonly string[]): ArgsResult {
  const args: CliArgs = { help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--theme' || arg.startsWith('--theme=')) {
      const value = arg === '--theme' ? argv[++i] : arg.slice('--theme='.length);
      if (!value || value.startsWith('-')) return { ok: false, error: '--theme needs a theme name' };
      args.theme = value;
    } else if (arg.startsWith('-')) return { ok: false, error: `unknown option ${arg}` };
    else return { ok: false, error: `unexpected argument ${JSON.stringify(arg)}` };
  }
  return { ok: true, args };
}
