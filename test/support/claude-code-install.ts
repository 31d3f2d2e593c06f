// Installs the pinned native build of Claude Code once per machine, into this user's cache under the
// temporary directory (keyed by version and platform), where every later call, from any vitest worker, finds it.
import { execFile } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The Claude Code release the tests run, pinned so that a new release cannot change a test's outcome;
 * 2.1.332 was the newest when it was chosen, so the tests meet the Claude Code that users run. What is
 * installed is its platform package alone, which holds all of Claude Code in one binary: the
 * `@anthropic-ai/claude-code` wrapper only copies that binary into place from an install script (which
 * npm 11 may skip), and asks for Node 22.
 */
export const CLAUDE_CODE_VERSION = '2.1.332';

/** How long npm may take. A worker waits a little longer for another worker's install. */
const NPM_TIMEOUT_MS = 240_000;
const WAIT_FOR_OTHER_INSTALL_MS = NPM_TIMEOUT_MS + 60_000;
const POLL_MS = 250;

const run = promisify(execFile);

/**
 * The absolute path of the pinned Claude Code binary, installed on the first call on this machine.
 * A complete install appears at once, by the rename of a checked staging directory, so a half-finished
 * one is never used. A lock file spares concurrent callers a second download; correctness does not rest
 * on it, since every install goes to its own staging directory.
 */
export async function installClaudeCode(): Promise<string> {
  const pkg = platformPackage();
  const root = join(privateCache(), `${CLAUDE_CODE_VERSION}-${pkg.replace('@anthropic-ai/', '')}`);
  const installed = join(root, 'installed');
  const binary = binaryIn(installed, pkg);
  const lock = join(root, 'installing.pid');
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + WAIT_FOR_OTHER_INSTALL_MS;
  for (;;) {
    if (existsSync(binary)) return binary;
    if (takeLock(lock)) {
      try {
        if (!existsSync(binary)) await install(root, pkg, installed);
      } finally {
        rmSync(lock, { force: true });
      }
      continue;
    }
    const owner = lockOwner(lock);
    if (owner !== undefined && !isRunning(owner)) {
      // Its holder died while installing: the lock is free to take.
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${WAIT_FOR_OTHER_INSTALL_MS / 1000} s for process ${owner} to install Claude Code in ${root}; it holds ${lock} still`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** This user's own directory in the shared temporary one: a binary that another user put there would run. */
function privateCache(): string {
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `agentmux-claude-code-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new Error(`${dir} is not a directory that only this user can use: remove it`);
  }
  return dir;
}

/** The npm package with Claude Code's native build for this machine, named as Claude Code's own installer names it. */
function platformPackage(): string {
  const { platform, arch } = process;
  if ((platform !== 'linux' && platform !== 'darwin') || (arch !== 'x64' && arch !== 'arm64')) {
    throw new Error(`these tests know no Claude Code build for ${platform}-${arch} (only linux and darwin on x64 and arm64)`);
  }
  return `@anthropic-ai/claude-code-${platform}-${arch}${platform === 'linux' && isMusl() ? '-musl' : ''}`;
}

/** Node's report names the glibc it runs on, and none on musl. */
function isMusl(): boolean {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime === undefined;
}

function binaryIn(prefix: string, pkg: string): string {
  return join(prefix, 'node_modules', pkg, 'claude');
}

/** Creates `lock` holding our pid, atomically: link() fails when the file exists. */
function takeLock(lock: string): boolean {
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    linkSync(mine, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(mine, { force: true });
  }
}

function lockOwner(lock: string): number | undefined {
  try {
    return Number(readFileSync(lock, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function install(root: string, pkg: string, installed: string): Promise<void> {
  removeAbandonedInstalls(root, installed);
  const staging = mkdtempSync(join(root, `staging-${process.pid}-`));
  try {
    // A package.json of its own keeps npm from taking a project further up for this one.
    writeFileSync(join(staging, 'package.json'), '{ "private": true }\n');
    // npm's cache goes in the staging directory and goes with it: the finished install is the cache, a
    // second copy of the package in ~/.npm would only take room, and the user's own cache is left alone.
    const cache = join(staging, 'npm-cache');
    await npm(['install', `${pkg}@${CLAUDE_CODE_VERSION}`, '--prefix', staging, '--cache', cache, '--no-save', '--no-fund', '--no-audit']);
    rmSync(cache, { recursive: true, force: true });
    await checkVersion(binaryIn(staging, pkg), staging);
    renameSync(staging, installed);
  } catch (error) {
    // A caller that found the lock stale may have finished first: its install is as good.
    if (!existsSync(binaryIn(installed, pkg))) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Staging directories of installers that died, and an `installed` directory without a binary. */
function removeAbandonedInstalls(root: string, installed: string): void {
  rmSync(installed, { recursive: true, force: true });
  for (const name of readdirSync(root)) {
    const pid = /^staging-(\d+)-/.exec(name)?.[1];
    // An npm left running by a killed installer may still be writing there.
    if (pid !== undefined && !isRunning(Number(pid))) rmSync(join(root, name), { recursive: true, force: true, maxRetries: 5 });
  }
}

/** Runs npm as from a shell: `npm test` exports its own settings as npm_* variables, which a nested npm would read. */
async function npm(args: string[]): Promise<void> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  try {
    await run('npm', args, { env, timeout: NPM_TIMEOUT_MS, maxBuffer: 16 << 20 });
  } catch (error) {
    throw new Error(`installing Claude Code ${CLAUDE_CODE_VERSION} failed: ${(error as Error).message}`);
  }
}

async function checkVersion(binary: string, staging: string): Promise<void> {
  const home = join(staging, 'home');
  mkdirSync(home);
  const { stdout } = await run(binary, ['--version'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, timeout: 30_000 });
  rmSync(home, { recursive: true, force: true });
  if (!stdout.startsWith(`${CLAUDE_CODE_VERSION} `)) {
    throw new Error(`${binary} --version says ${JSON.stringify(stdout.trim())}, not ${CLAUDE_CODE_VERSION}`);
  }
}
