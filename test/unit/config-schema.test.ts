import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, isKeyName, keyConflict, mergeConfig, validateConfigFile } from '../../src/core/config-schema.js';

const LABEL = '~/.config/agentmux/config.json';

function errorOf(obj: unknown): string {
  const result = validateConfigFile(obj, LABEL);
  if (result.ok) throw new Error('expected a validation error');
  return result.error;
}

describe('DEFAULT_CONFIG', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_CONFIG).toEqual({
      theme: 'auto',
      notifications: { bell: true, osc9: true },
      keys: { background: 'C-b', focusNext: 'tab', quit: 'C-q', interrupt: 'C-c' },
      killGraceMs: 3000,
      scrollback: 5000,
      flashMs: 4000,
      model: 'claude-sonnet-5-5',
      permissionMode: 'ask',
      prices: {},
      worktreeRoot: '',
      compare: { check: '' },
      clis: {},
      suggestions: true,
      suggestionModel: 'claude-haiku-4-5',
      compaction: { enabled: true, prepareAt: 60, swapAt: 80 },
      budgets: {},
      hosts: {},
    });
  });
});

describe('validateConfigFile', () => {
  it('takes price overrides by model id and names the model and field at fault', () => {
    const price = { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200000 };
    expect(validateConfigFile({ prices: { 'my-model': price } }, LABEL)).toEqual({ ok: true, value: { prices: { 'my-model': price } } });
    expect(validateConfigFile({ prices: { 'my-model': { ...price, output: -1 } } }, LABEL))
      .toEqual({ ok: false, error: `${LABEL}: prices.my-model.output: expected USD per million tokens, 0 or more` });
    expect(validateConfigFile({ prices: { 'my-model': { ...price, extra: 1 } } }, LABEL))
      .toMatchObject({ ok: false, error: expect.stringContaining('prices.my-model.extra: unknown key') });
    expect(validateConfigFile({ prices: { 'my-model': 3 } }, LABEL))
      .toMatchObject({ ok: false, error: expect.stringContaining('prices.my-model: expected an object') });
    expect(mergeConfig(DEFAULT_CONFIG, { prices: { 'my-model': price } }).prices).toEqual({ 'my-model': price });
  });

  it('refuses keys a terminal cannot tell apart, and a background key other keys would trip', () => {
    expect(validateConfigFile({ keys: { quit: 'C-i' } }, LABEL)).toMatchObject({ ok: false, error: expect.stringContaining('keys.quit') });
    expect(validateConfigFile({ keys: { background: 'escape' } }, LABEL)).toMatchObject({ ok: false, error: expect.stringContaining('cannot be the background key') });
    expect(validateConfigFile({ keys: { background: 'M-o' } }, LABEL)).toMatchObject({ ok: false, error: expect.stringContaining('cannot be the background key') });
    expect(validateConfigFile({ keys: { background: 'C-a' } }, LABEL)).toEqual({ ok: true, value: { keys: { background: 'C-a' } } });
  });

  it('takes suggestions on or off and a model id for them, naming the key at fault', () => {
    expect(validateConfigFile({ suggestions: false, suggestionModel: 'my-small-model' }, LABEL))
      .toEqual({ ok: true, value: { suggestions: false, suggestionModel: 'my-small-model' } });
    expect(errorOf({ suggestions: 'no' })).toBe(`${LABEL}: suggestions: expected true or false, got "no"`);
    expect(errorOf({ suggestionModel: 'Haiku 4.5' })).toBe(`${LABEL}: suggestionModel: "Haiku 4.5" is not a model id (e.g. "claude-haiku-4-5")`);
    expect(mergeConfig(DEFAULT_CONFIG, { suggestions: false }).suggestions).toBe(false);
  });

  it('accepts an empty object and a full one', () => {
    expect(validateConfigFile({}, LABEL)).toEqual({ ok: true, value: {} });
    const full = { ...DEFAULT_CONFIG, theme: 'my-theme', keys: { ...DEFAULT_CONFIG.keys, quit: 'f10', background: 'C-a', focusNext: 'M-n' } };
    expect(validateConfigFile(full, LABEL)).toEqual({ ok: true, value: full });
  });

  it('names the file and the dotted path of an unknown key', () => {
    expect(errorOf({ notifications: { sound: true } })).toBe(
      '~/.config/agentmux/config.json: notifications.sound: unknown key (known: bell, osc9)',
    );
    expect(errorOf({ keys: { help: 'f1' } })).toBe(
      '~/.config/agentmux/config.json: keys.help: unknown key (known: background, focusNext, quit, interrupt)',
    );
    expect(errorOf({ colour: 'red' })).toMatch(/^~\/\.config\/agentmux\/config\.json: colour: unknown key \(known: theme, /);
  });

  it('names the key and the expected type', () => {
    expect(errorOf({ notifications: { bell: 'yes' } })).toBe(
      '~/.config/agentmux/config.json: notifications.bell: expected true or false, got "yes"',
    );
    expect(errorOf({ notifications: true })).toBe('~/.config/agentmux/config.json: notifications: expected an object');
    expect(errorOf({ killGraceMs: '3000' })).toBe(
      '~/.config/agentmux/config.json: killGraceMs: expected an integer from 100 to 60000, got "3000"',
    );
    expect(errorOf({ theme: 7 })).toMatch(/: theme: 7 is not a theme name/);
    expect(errorOf('dark')).toMatch(/: expected a JSON object/);
  });

  it('checks ranges', () => {
    expect(errorOf({ killGraceMs: 99 })).toMatch(/killGraceMs: expected an integer from 100 to 60000, got 99$/);
    expect(errorOf({ scrollback: 100001 })).toMatch(/scrollback: expected an integer from 0 to 100000/);
    expect(errorOf({ flashMs: 1000.5 })).toMatch(/flashMs: expected an integer from 500 to 60000/);
    expect(validateConfigFile({ scrollback: 0, flashMs: 60000, killGraceMs: 100 }, LABEL).ok).toBe(true);
  });

  it('takes budgets: USD above 0, whole tokens above 0; each key merged on its own', () => {
    expect(validateConfigFile({ budgets: { agentUsd: 2.5, agentTokens: 200000, sessionUsd: 20 } }, LABEL).ok).toBe(true);
    expect(errorOf({ budgets: { agentUsd: 0 } })).toBe('~/.config/agentmux/config.json: budgets.agentUsd: expected an amount in USD above 0 (at most 10000), got 0');
    expect(errorOf({ budgets: { sessionUsd: '5' } })).toMatch(/budgets\.sessionUsd: expected an amount in USD above 0 \(at most 10000\), got "5"$/);
    expect(errorOf({ budgets: { agentTokens: 1.5 } })).toMatch(/budgets\.agentTokens: expected a whole number of tokens above 0, got 1\.5$/);
    expect(errorOf({ budgets: { agent: 2 } })).toMatch(/budgets\.agent: unknown key \(known: agentUsd, agentTokens, sessionUsd\)$/);
    expect(errorOf({ budgets: 5 })).toMatch(/budgets: expected an object/);
    expect(mergeConfig(DEFAULT_CONFIG, { budgets: { agentUsd: 2, sessionUsd: 20 } }, { budgets: { agentUsd: 1 } }).budgets).toEqual({ agentUsd: 1, sessionUsd: 20 });
  });

  it('checks the compaction section: its keys, true or false, percents from 1 to 99', () => {
    expect(validateConfigFile({ compaction: { prepareAt: 50, swapAt: 90, enabled: false } }, LABEL).ok).toBe(true);
    expect(errorOf({ compaction: { swap: 90 } })).toBe(`${LABEL}: compaction.swap: unknown key (known: enabled, prepareAt, swapAt)`);
    expect(errorOf({ compaction: { swapAt: 100 } })).toBe(`${LABEL}: compaction.swapAt: expected a percent of the context, an integer from 1 to 99, got 100`);
    expect(errorOf({ compaction: { prepareAt: '60' } })).toMatch(/compaction\.prepareAt: expected a percent of the context, an integer from 1 to 99, got "60"$/);
    expect(errorOf({ compaction: { enabled: 'no' } })).toBe(`${LABEL}: compaction.enabled: expected true or false, got "no"`);
    expect(errorOf({ compaction: 80 })).toBe(`${LABEL}: compaction: expected an object like {"prepareAt": 60, "swapAt": 80}`);
    expect(mergeConfig(DEFAULT_CONFIG, { compaction: { swapAt: 90 } }).compaction).toEqual({ enabled: true, prepareAt: 60, swapAt: 90 });
  });

  it('checks the form of key names', () => {
    expect(errorOf({ keys: { quit: 'ctrl-q' } })).toBe(
      '~/.config/agentmux/config.json: keys.quit: "ctrl-q" is not a key name (use C-<letter> (not C-h, C-i, C-j, C-m), M-<letter>, tab, escape, enter or f1-f12)',
    );
  });
});

describe('isKeyName', () => {
  it.each(['C-a', 'C-z', 'M-x', 'tab', 'escape', 'enter', 'f1', 'f9', 'f10', 'f12'])('accepts %s', (key) => {
    expect(isKeyName(key)).toBe(true);
  });
  it.each(['C-', 'C-A', 'c-a', 'C-ab', 'S-tab', 'f0', 'f13', 'esc', 'Tab', 'C-1'])('rejects %s', (key) => {
    expect(isKeyName(key)).toBe(false);
  });
});

describe('mergeConfig', () => {
  it('applies partials in order, key by key, without changing the base', () => {
    const merged = mergeConfig(
      DEFAULT_CONFIG,
      { theme: 'light', notifications: { bell: false }, keys: { quit: 'C-x' } },
      { theme: 'dark', keys: { background: 'C-g' }, scrollback: 10 },
    );
    expect(merged).toEqual({
      ...DEFAULT_CONFIG,
      theme: 'dark',
      notifications: { bell: false, osc9: true },
      keys: { background: 'C-g', focusNext: 'tab', quit: 'C-x', interrupt: 'C-c' },
      scrollback: 10,
    });
    expect(DEFAULT_CONFIG.keys.quit).toBe('C-q');
    expect(mergeConfig(DEFAULT_CONFIG)).not.toBe(DEFAULT_CONFIG);
  });

  it('ignores keys set to undefined', () => {
    expect(mergeConfig(DEFAULT_CONFIG, { theme: undefined, keys: { quit: undefined } })).toEqual(DEFAULT_CONFIG);
  });
});

describe('keyConflict', () => {
  it('reports two actions on one key', () => {
    expect(keyConflict(DEFAULT_CONFIG.keys)).toBeUndefined();
    expect(keyConflict({ ...DEFAULT_CONFIG.keys, quit: 'C-c' })).toBe('keys.quit and keys.interrupt are both "C-c"');
  });
});
