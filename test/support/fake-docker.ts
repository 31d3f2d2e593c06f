// The fake `docker` (test/support/fake-docker/docker) set up for one test: a state file of its
// containers and images, a log of every command line it got, and an environment with it first on PATH.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, type CommandRunner } from '../../src/pty/command-runner.js';

export const FAKE_DOCKER_DIR = fileURLToPath(new URL('./fake-docker/', import.meta.url));

export interface FakeContainer {
  running: boolean;
  status?: string;
  paused?: boolean;
  mounts?: Array<{ Source: string; Destination: string }>;
  env?: Record<string, string>;
}

export interface FakeDockerState {
  daemon?: boolean;
  images?: string[];
  containers?: Record<string, FakeContainer>;
}

export interface FakeDocker {
  readonly dir: string;
  /** PATH with the fake first, its state and log: give it to whatever runs docker. */
  readonly env: Record<string, string>;
  /** A runner of short commands (command-runner.ts) that finds the fake. */
  readonly run: CommandRunner;
  setState(state: FakeDockerState): void;
  state(): FakeDockerState;
  /** Every argv the fake got, oldest first. */
  calls(): string[][];
  dispose(): void;
}

export function fakeDocker(state: FakeDockerState): FakeDocker {
  const dir = mkdtempSync(join(tmpdir(), 'amx-docker-'));
  const statePath = join(dir, 'state.json');
  const logPath = join(dir, 'calls.jsonl');
  const env: Record<string, string> = {
    PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    FAKE_DOCKER_STATE: statePath,
    FAKE_DOCKER_LOG: logPath,
  };
  const setState = (next: FakeDockerState): void => writeFileSync(statePath, JSON.stringify(next));
  setState(state);
  return {
    dir,
    env,
    run: (file, args, options = {}) => runCommand(file, args, { ...options, env: { ...process.env, ...env, ...options.env } }),
    setState,
    state: () => JSON.parse(readFileSync(statePath, 'utf8')) as FakeDockerState,
    calls: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]) : []),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
