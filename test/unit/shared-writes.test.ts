import { describe, expect, it } from 'vitest';
import { SharedWrites } from '../../src/core/shared-writes.js';

describe('shared writes', () => {
  it('names the pair and the file the first time two running agents write one file, once per pair', () => {
    const writes = new SharedWrites();
    expect(writes.wrote('build', '/repo/src/auth.ts')).toBeUndefined();
    expect(writes.wrote('build', '/repo/src/auth.ts')).toBeUndefined();
    expect(writes.wrote('lint', '/repo/src/other.ts')).toBeUndefined();
    expect(writes.wrote('lint', '/repo/src/auth.ts')).toEqual({ file: '/repo/src/auth.ts', first: 'build', second: 'lint' });
    expect(writes.wrote('build', '/repo/src/other.ts')).toBeUndefined();
    expect(writes.wrote('lint', '/repo/src/auth.ts')).toBeUndefined();
    expect(writes.wrote('docs', '/repo/src/auth.ts')).toEqual({ file: '/repo/src/auth.ts', first: 'build', second: 'docs' });
  });

  it('forgets an agent that ended: what it wrote clashes with no one, and a new agent of its name is warned again', () => {
    const writes = new SharedWrites();
    writes.wrote('build', '/repo/a.ts');
    writes.wrote('lint', '/repo/a.ts');
    writes.ended('build');
    expect(writes.wrote('docs', '/repo/b.ts')).toBeUndefined();
    expect(writes.wrote('lint', '/repo/b.ts')).toEqual({ file: '/repo/b.ts', first: 'docs', second: 'lint' });
    expect(writes.wrote('build', '/repo/b.ts')).toEqual({ file: '/repo/b.ts', first: 'docs', second: 'build' });
    expect(writes.wrote('build', '/repo/a.ts')).toEqual({ file: '/repo/a.ts', first: 'lint', second: 'build' });
    writes.ended('lint');
    writes.ended('docs');
    expect(writes.wrote('other', '/repo/b.ts')).toEqual({ file: '/repo/b.ts', first: 'build', second: 'other' });
  });
});
