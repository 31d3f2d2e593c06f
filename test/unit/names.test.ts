import { describe, expect, it } from 'vitest';
import { NAME_PATTERN, NAME_RULE, nameError, nameFromCommand, nameFromTask, uniqueName } from '../../src/core/names.js';

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ' \t\n-_./\\;:!?\'"`$(){}[]<>|&*~#%^=+,',
  'äöüßéèçñÜÖÄ',
  '日本語テキスト中文한국어',
  '😀🚀👩‍💻🇩🇪',
  '\u0000\u0007\u001b\u007f\u0085\u009b\u200b\u202e',
];

function randomString(next: () => number, maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  let out = '';
  for (let i = 0; i < length; i++) {
    const alphabet = Array.from(ALPHABETS[Math.floor(next() * ALPHABETS.length)]);
    out += alphabet[Math.floor(next() * alphabet.length)];
  }
  return out;
}

function randomStrings(seed: number, count: number, maxLength: number): string[] {
  const next = random(seed);
  const out = ['', ' ', '-', '---', 'the a an of', '日本語', '😀', '\u001b[31m', 'A'.repeat(300), 'a'.repeat(49), `${'b'.repeat(46)} c`];
  for (let i = 0; i < count; i++) out.push(randomString(next, maxLength));
  return out;
}

describe('nameError', () => {
  it('accepts lowercase slugs', () => {
    for (const name of ['a', '0', 'build', 'security-auth-audit', 'a-b-c', '9lives', 'x-', 'a--b']) {
      expect(nameError(name), name).toBeUndefined();
    }
  });

  it('refuses anything else with a message that shows the rule', () => {
    const invalid = ['', '../x', 'x/y', '-rf', '-', 'UPPER', 'Mixed', 'with space', 'dot.name', 'under_score', 'tab\t', 'ümlaut', '日本', 'a\nb', 'x'.repeat(200)];
    for (const name of invalid) {
      const error = nameError(name);
      expect(error, JSON.stringify(name)).toBeDefined();
      expect(error).toContain(NAME_RULE);
      expect(error).not.toContain('\n');
    }
  });

  it('allows 48 characters and refuses 49', () => {
    expect(nameError('a'.repeat(48))).toBeUndefined();
    expect(nameError('a'.repeat(49))).toContain('invalid name');
  });

  it('refuses a leading "-" even when the rest is fine', () => {
    expect(nameError('-build')).toBeDefined();
    expect(nameError('build')).toBeUndefined();
  });

  it('shortens a very long name in the message', () => {
    const error = nameError('x'.repeat(200))!;
    expect(error.length).toBeLessThan(200);
    expect(error).toContain('...');
  });

  it('agrees with NAME_PATTERN on random strings', () => {
    for (const text of randomStrings(1, 500, 60)) {
      expect(nameError(text) === undefined, JSON.stringify(text)).toBe(NAME_PATTERN.test(text));
    }
  });
});

describe('nameFromTask', () => {
  it('keeps the meaningful words of a task', () => {
    expect(nameFromTask('Run a comprehensive security audit on the auth module')).toBe('security-audit-auth-module');
    expect(nameFromTask('Please fix the flaky login test')).toBe('fix-flaky-login-test');
    expect(nameFromTask('Refactor THE Parser')).toBe('refactor-parser');
  });

  it('keeps at most maxWords words', () => {
    expect(nameFromTask('one two three four five six')).toBe('one-two-three-four');
    expect(nameFromTask('one two three four five six', 2)).toBe('one-two');
  });

  it('falls back to "agent" when nothing meaningful is left', () => {
    expect(nameFromTask('')).toBe('agent');
    expect(nameFromTask('   ')).toBe('agent');
    expect(nameFromTask('the a an of to')).toBe('agent');
    expect(nameFromTask('日本語のタスク')).toBe('agent');
  });

  it('leaves room for a "-N" suffix', () => {
    const name = nameFromTask('abcdefghijkl abcdefghijkl abcdefghijkl abcdefghijkl');
    expect(name.length).toBeLessThanOrEqual(45);
    expect(name).toBe('abcdefghijkl-abcdefghijkl-abcdefghijkl');
  });

  it('always returns a valid name (random strings, including unicode, controls and empty)', () => {
    for (const text of randomStrings(2, 2000, 120)) {
      const name = nameFromTask(text);
      expect(nameError(name), `${JSON.stringify(text)} → ${JSON.stringify(name)}`).toBeUndefined();
      expect(name.length).toBeLessThanOrEqual(45);
    }
  });
});

describe('nameFromCommand', () => {
  it('names a command by what it does', () => {
    expect(nameFromCommand('npm run test -- --watch')).toBe('npm-test-watch');
    expect(nameFromCommand('echo hello')).toBe('echo-hello');
    expect(nameFromCommand('seq 1 100000')).toBe('seq');
    expect(nameFromCommand("sh -c 'ls -la'")).toBe('ls-la');
    expect(nameFromCommand('sudo make install > /dev/null')).toBe('install');
  });

  it('keeps at most maxWords words', () => {
    expect(nameFromCommand('cargo build release target')).toBe('cargo-build-release');
    expect(nameFromCommand('cargo build release target', 1)).toBe('cargo');
  });

  it('falls back to "command"', () => {
    expect(nameFromCommand('')).toBe('command');
    expect(nameFromCommand('sleep 1 && true')).toBe('sleep');
    expect(nameFromCommand('1 2 3 | sh')).toBe('command');
    expect(nameFromCommand('日本')).toBe('command');
  });

  it('always returns a valid name (random strings)', () => {
    for (const text of randomStrings(3, 2000, 120)) {
      const name = nameFromCommand(text);
      expect(nameError(name), `${JSON.stringify(text)} → ${JSON.stringify(name)}`).toBeUndefined();
    }
  });
});

describe('uniqueName', () => {
  it('returns the base when it is free', () => {
    expect(uniqueName('build', new Set())).toBe('build');
    expect(uniqueName('build', new Set(['build-2']))).toBe('build');
  });

  it('adds -2, -3, … until free', () => {
    expect(uniqueName('build', new Set(['build']))).toBe('build-2');
    expect(uniqueName('build', new Set(['build', 'build-2']))).toBe('build-3');
    expect(uniqueName('build', new Set(['build', 'build-2', 'build-4']))).toBe('build-3');
  });

  it('keeps a long base within 48 characters and valid, also past -9', () => {
    const base = 'a'.repeat(48);
    const taken = new Set([base]);
    for (let i = 0; i < 120; i++) {
      const name = uniqueName(base, taken);
      expect(taken.has(name)).toBe(false);
      expect(name.length).toBeLessThanOrEqual(48);
      expect(nameError(name), name).toBeUndefined();
      taken.add(name);
    }
    expect(taken.has(`${'a'.repeat(46)}-2`)).toBe(true);
    expect(taken.has(`${'a'.repeat(45)}-10`)).toBe(true);
    expect(taken.has(`${'a'.repeat(44)}-100`)).toBe(true);
  });

  it('does not leave a double dash where the base is cut', () => {
    const base = `${'a'.repeat(45)}-bc`; // 48 characters; cutting to 46 ends in "-"
    const name = uniqueName(base, new Set([base]));
    expect(name).toBe(`${'a'.repeat(45)}-2`);
    expect(nameError(name)).toBeUndefined();
  });

  it('makes derived names unique and valid over many random tasks', () => {
    const taken = new Set<string>();
    for (const text of randomStrings(4, 300, 40)) {
      const name = uniqueName(nameFromTask(text), taken);
      expect(taken.has(name)).toBe(false);
      expect(nameError(name)).toBeUndefined();
      taken.add(name);
    }
  });
});
