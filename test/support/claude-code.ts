// Running the real Claude Code CLI in tests: its binary, a throwaway HOME it starts in without asking
// anything, and the environment that keeps it offline and points it at the scripted Messages API server.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { CLAUDE_CODE_VERSION, installClaudeCode } from './claude-code-install.js';

/** A key in the real format; Claude Code remembers its approval by the last 20 characters. */
export const CLAUDE_TEST_API_KEY = `sk-ant-api03-${'scripted-server-test-key-'.repeat(3)}AAAAAAAAAAAAAAAAAAAA`;

/**
 * A new HOME in which Claude Code has been through onboarding, has approved `apiKey`, trusts `cwd`, and
 * asks before running a tool that changes something. Claude Code rewrites these files and fills
 * ~/.claude as it runs: give each run its own HOME, and remove it afterwards.
 */
export function claudeHome(options: { apiKey: string; cwd: string }): string {
  const home = mkdtempSync(join(tmpdir(), 'agentmux-claude-home-'));
  const state = {
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [options.apiKey.slice(-20)], rejected: [] },
    projects: {
      // Claude Code knows a project by the real path of its directory.
      [realpathSync(options.cwd)]: {
        hasTrustDialogAccepted: true,
        hasCompletedProjectOnboarding: true,
        projectOnboardingSeenCount: 1,
        allowedTools: [],
      },
    },
  };
  writeFileSync(join(home, '.claude.json'), `${JSON.stringify(state, null, 2)}\n`);
  // Auto mode, the pinned release's default, runs most tools without asking; and a user who chose the
  // asking mode is offered auto mode in a dialog at start-up. With auto mode disabled, neither happens.
  const settings = { permissions: { defaultMode: 'default', disableAutoMode: 'disable' } };
  mkdirSync(join(home, '.claude'));
  writeFileSync(join(home, '.claude', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return home;
}

/** The whole environment of a Claude Code process: nothing of the test runner's own leaks in. */
export function claudeEnv(home: string, baseURL: string, apiKey: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: baseURL,
    ANTHROPIC_API_KEY: apiKey,
    // Offline: no update checks, telemetry or error reports, and no install of the plugin marketplace
    // (without the last one it tries github.com).
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
  };
}
