// How each CLI is set up to report for one run: Codex's notify program as TOML, Aider's
// notifications command, Gemini CLI's system settings with agentmux's hooks added to those in force.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLIS, cliKinds } from '../../src/core/cli-kinds.js';
import { tmpdir } from 'node:os';
import { codexNotify, geminiReadsSystemFile, geminiReadsSystemSettingsIn, geminiSystemSettings, GEMINI_HOOK_EVENTS, signalSetup } from '../../src/server/cli-signal-setup.js';

const RUNNER = ['/usr/bin/node', '/opt/agent mux/hook-main.js'];

describe('signal setup', () => {
  it('gives Codex its notify program as a TOML array of strings', () => {
    expect(codexNotify(RUNNER)).toBe('notify=["/usr/bin/node","/opt/agent mux/hook-main.js","codex","notify"]');
    expect(signalSetup(BUILTIN_CLIS.codex, RUNNER)).toEqual({ signals: 'codex-notify', hooks: true, args: ['-c', codexNotify(RUNNER)] });
  });

  it('gives Aider its notifications command as one shell command line', () => {
    expect(signalSetup(BUILTIN_CLIS.aider, RUNNER)).toEqual({
      signals: 'aider-notify', hooks: true, args: ['--notifications', '--notifications-command', "/usr/bin/node '/opt/agent mux/hook-main.js' aider waiting"],
    });
  });

  it('adds agentmux\'s Gemini CLI hooks to the system settings in force, keeping theirs and every other setting', () => {
    const existing = JSON.stringify({ general: { vimMode: true }, hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: 'audit' }] }] } });
    const merged = JSON.parse(geminiSystemSettings(RUNNER, existing) ?? 'null') as { general: unknown; hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(merged.general).toEqual({ vimMode: true });
    expect(Object.keys(merged.hooks).sort()).toEqual([...GEMINI_HOOK_EVENTS].sort());
    expect(merged.hooks.AfterAgent.map((group) => group.hooks[0].command)).toEqual(['audit', "/usr/bin/node '/opt/agent mux/hook-main.js' gemini AfterAgent"]);
    expect(geminiSystemSettings(RUNNER, undefined)).toContain('gemini SessionStart');
  });

  it('leaves Gemini CLI without hooks rather than replace system settings it cannot read', () => {
    expect(geminiSystemSettings(RUNNER, '{ // a comment\n}')).toBeUndefined();
    expect(geminiSystemSettings(RUNNER, '[1]')).toBeUndefined();
  });

  it('gives Gemini CLI hooks only where it reads a system settings file: root\'s, in directories only root may write', () => {
    expect(geminiReadsSystemFile('/')).toBe(true);
    expect(geminiReadsSystemFile(tmpdir())).toBe(false); // /tmp: anyone may write there
    expect(geminiReadsSystemFile('/no/such/file')).toBe(false);
    expect(geminiReadsSystemSettingsIn('/', 0)).toBe(true);
    expect(geminiReadsSystemSettingsIn('/', 1000)).toBe(false); // a file of user 1000's, wherever it is
    expect(signalSetup(BUILTIN_CLIS.gemini, RUNNER, { privateDir: tmpdir() })).toEqual({ signals: 'none', args: [], hooks: false });
  });

  it('needs the hook runner for hooks, and nothing for a CLI with weak signals only', () => {
    expect(signalSetup(BUILTIN_CLIS.claude, undefined)).toEqual({ signals: 'none', args: [], hooks: false });
    expect(signalSetup(cliKinds({ mine: { program: 'mine' } }).get('mine')!, RUNNER)).toEqual({ signals: 'title-bell', args: [], hooks: false });
  });
});
