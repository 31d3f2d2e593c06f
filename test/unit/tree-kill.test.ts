// TreeKill's sequence against a process tree the test plays: who gets which signal when, and
// what is said of processes that outlive SIGKILL.
import { describe, expect, it } from 'vitest';
import type { ProcessTree, RunProcess } from '../../src/pty/run-processes.js';
import { TreeKill } from '../../src/pty/tree-kill.js';
import { survivorsLine } from '../../src/server/agent-table.js';

/** Processes that die on the signals they do not ignore; every signal sent is recorded. */
class FakeTree implements ProcessTree {
  readonly sent: string[] = [];
  constructor(private alive: Array<RunProcess & { ignores: NodeJS.Signals[] }>) {}

  async find(): Promise<RunProcess[]> {
    return this.alive.map(({ pid, name }) => ({ pid, name }));
  }

  signalGroup(signal: NodeJS.Signals): void {
    this.sent.push(`group ${signal}`);
  }

  signalEach(processes: readonly RunProcess[], signal: NodeJS.Signals): void {
    for (const { pid } of processes) {
      this.sent.push(`${pid} ${signal}`);
      if (signal !== 'SIGCONT') this.alive = this.alive.filter((process) => process.pid !== pid || process.ignores.includes(signal));
    }
  }

  start(process: RunProcess & { ignores: NodeJS.Signals[] }): void {
    this.alive.push(process);
  }
}

describe('TreeKill', () => {
  it('sends SIGTERM (and SIGCONT) to the group and every process of the run, and is done when they are gone', async () => {
    const tree = new FakeTree([{ pid: 10, name: 'sh', ignores: [] }, { pid: 20, name: 'daemon', ignores: [] }]);
    const started = Date.now();
    expect(await new TreeKill(tree, 5000).run()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(tree.sent).toEqual(['group SIGTERM', 'group SIGCONT', '10 SIGTERM', '20 SIGTERM', '10 SIGCONT', '20 SIGCONT']);
  });

  it('sends SIGKILL to what is left after the grace period', async () => {
    const tree = new FakeTree([{ pid: 10, name: 'sh', ignores: [] }, { pid: 20, name: 'stubborn', ignores: ['SIGTERM'] }]);
    const started = Date.now();
    expect(await new TreeKill(tree, 200).run()).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(tree.sent.slice(-2)).toEqual(['group SIGKILL', '20 SIGKILL']);
  });

  it('sends the signal of the moment to a process that turns up meanwhile', async () => {
    const tree = new FakeTree([{ pid: 20, name: 'stubborn', ignores: ['SIGTERM'] }]);
    const kill = new TreeKill(tree, 300).run();
    await new Promise((resolve) => setTimeout(resolve, 60));
    tree.start({ pid: 30, name: 'forked', ignores: [] });
    expect(await kill).toEqual([]);
    expect(tree.sent).toContain('30 SIGTERM');
  });

  it('resolves with what survived SIGKILL', async () => {
    const tree = new FakeTree([{ pid: 20, name: 'stuck', ignores: ['SIGTERM', 'SIGKILL'] }]);
    expect(await new TreeKill(tree, 100).run()).toEqual([{ pid: 20, name: 'stuck' }]);
  });

  it('disposed, stops looking and sends SIGKILL to what it last saw', async () => {
    const tree = new FakeTree([{ pid: 20, name: 'stubborn', ignores: ['SIGTERM'] }]);
    const kill = new TreeKill(tree, 60_000);
    const done = kill.run();
    await new Promise((resolve) => setTimeout(resolve, 100));
    kill.dispose();
    expect(await done).toEqual([]);
    expect(tree.sent.slice(-2)).toEqual(['group SIGKILL', '20 SIGKILL']);
  });
});

describe('survivorsLine', () => {
  it('says nothing when nothing survived, else one line naming them and how to look at them', () => {
    expect(survivorsLine('build', [])).toBeUndefined();
    expect(survivorsLine('build', [{ pid: 4242, name: 'codex-helper' }, { pid: 4250, name: 'node' }]))
      .toBe('build: 2 of its processes survived SIGKILL (4242 codex-helper, 4250 node): see ps -o pid,stat,cmd -p 4242,4250');
  });
});
