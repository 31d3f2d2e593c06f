// agentmux's pty runtime used in-process: agents whose output is parsed by the EmulatorPool and
// written to an output log, as the server does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmulatorPool } from '../../../dist/pty/emulator-pool.js';
import { createPtyRuntime } from '../../../dist/pty/pty-runtime.js';
import { OutputLog } from '../../../dist/store/output-log.js';
import { killGroup, onCleanup } from './cleanup.mjs';

export const COLS = 100;
export const ROWS = 30;
export const SCROLLBACK = 5000;

export class Agents {
  constructor({ scrollback = SCROLLBACK } = {}) {
    this.pool = new EmulatorPool();
    this.runtime = createPtyRuntime(this.pool, { env: process.env, scrollback, killGraceMs: 1000 });
    this.running = new Set();
    this.count = 0;
    this.logDir = mkdtempSync(join(tmpdir(), 'agentmux-bench-logs-'));
    onCleanup(() => rmSync(this.logDir, { recursive: true, force: true }));
  }

  /**
   * Starts `command` in `/bin/sh -c`; `ended` resolves with { at, exit, lastLine } once its
   * output is all parsed. `lastLine` is kept current from the emulator's reports.
   */
  start(command, { onLastLine = () => {} } = {}) {
    const agent = { lastLine: '', handle: undefined, ended: undefined };
    const name = `bench-${++this.count}`;
    const log = new OutputLog(join(this.logDir, `${name}.log`));
    agent.ended = new Promise((resolve) => {
      agent.handle = this.runtime.start(
        // `program` is the launch shape of newer sources, `command` that of older ones.
        { name, program: { shell: command }, command, cwd: process.cwd(), cols: COLS, rows: ROWS },
        {
          onLastLine: (text) => {
            agent.lastLine = text;
            onLastLine(text);
          },
          onFrame: () => {},
          onReport: () => {},
          onOutput: (data) => log.append(data),
          onEnd: (exit, lastLine) => {
            log.close();
            this.running.delete(agent);
            resolve({ at: performance.now(), exit, lastLine });
          },
        },
      );
    });
    const pid = agent.handle.pid;
    agent.dropCleanup = onCleanup(() => killGroup(pid));
    this.running.add(agent);
    return agent;
  }

  /** Starts the pool's worker threads, so timings leave out their start-up. */
  async warmUp() {
    const agents = Array.from({ length: 2 }, () => this.start('echo warm'));
    await Promise.all(agents.map((agent) => agent.ended));
    for (const agent of agents) this.dispose(agent);
  }

  dispose(agent) {
    agent.handle.dispose();
    agent.dropCleanup();
    this.running.delete(agent);
  }

  async close() {
    for (const agent of [...this.running]) this.dispose(agent);
    await this.pool.dispose();
  }
}

