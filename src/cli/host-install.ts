// `agentmux host install NAME`: copies this agentmux (package.json, dist/, its run-time packages)
// over the user's own ssh to ~/.agentmux/lib/VERSION on an ssh host, as a tar stream (the host
// needs no network), after checking the host's Node and that its platform is this machine's
// (node-pty's native part is this machine's build); then writes ~/.agentmux/bin/agentmux.
import { spawn } from 'node:child_process';
import { isSshHost, nodeTooOld, nodeVersionOk, sshCommand, sshFailure, type HostConfig, type SshHost } from '../core/hosts.js';
import { printable } from '../core/printable.js';
import type { CommandRunner } from '../pty/command-runner.js';
import { productionFiles } from './package-files.js';

export interface InstallContext {
  run: CommandRunner;
  /** Where ssh keeps its shared connections. */
  controlDir: string;
  /** This agentmux's package folder, and its version. */
  packageRoot: string;
  version: string;
  /** The environment of the ssh that copies. */
  env: NodeJS.ProcessEnv;
}

const CHECK_TIMEOUT_MS = 30_000;

/** The line to print: what was installed, or why nothing was. */
export async function installHost(name: string, host: HostConfig, context: InstallContext): Promise<{ ok: boolean; line: string }> {
  if (!isSshHost(host)) return { ok: false, line: `${name}: a docker host needs no install: agents there run without agentmux (copy it into the image if you want it there)` };
  if (!/^[0-9A-Za-z.+-]+$/.test(context.version)) return { ok: false, line: `agentmux's version ${JSON.stringify(context.version)} cannot name a folder` };
  const { run, controlDir } = context;
  const ssh = (script: string, timeoutMs = CHECK_TIMEOUT_MS) => {
    const { file, args } = sshCommand(host, controlDir, ['sh', '-c', script], false);
    return run(file, args, { timeoutMs });
  };

  const checked = await ssh('printf "%s\\n%s\\n" "$(node -v 2>/dev/null)" "$(uname -sm)"');
  if (checked.code !== 0) return { ok: false, line: failure(name, host, 'checking the host', checked) };
  const [node = '', platform = ''] = checked.stdout.split('\n').map((line) => printable(line.trim()));
  if (!nodeVersionOk(node)) return { ok: false, line: nodeTooOld(name, node) };
  const here = await run('uname', ['-sm'], { timeoutMs: CHECK_TIMEOUT_MS });
  const local = here.stdout.trim();
  if (platform !== local) {
    return { ok: false, line: `${name}: it is ${platform || 'an unknown platform'} and this machine ${local}: agentmux's native part (node-pty) would not run there; install agentmux on that host from its own checkout` };
  }

  let files: string[];
  try {
    files = productionFiles(context.packageRoot);
  } catch (error) {
    return { ok: false, line: `${name}: nothing copied: ${(error as Error).message}` };
  }
  const copied = await copyOver(name, host, context, files);
  if (copied) return { ok: false, line: copied };

  const started = await ssh('"$HOME/.agentmux/bin/agentmux" --version');
  if (started.code !== 0) return { ok: false, line: failure(name, host, 'the installed agentmux did not start', started) };
  const version = printable(started.stdout.trim().replace(/^agentmux\s+/, ''));
  return { ok: true, line: `installed agentmux ${version} on ${name} (Node ${node})` };
}

/** The remote side of the copy: unpacks beside the old version, then swaps it in and writes the command. */
function unpackScript(version: string): string {
  return [
    'set -e',
    `lib="$HOME/.agentmux/lib"; dest="$lib/${version}"; tmp="$lib/.${version}.$$"`,
    'mkdir -p "$lib" "$HOME/.agentmux/bin"',
    'mkdir "$tmp"; trap \'rm -rf "$tmp"\' EXIT',
    'tar -xzf - -C "$tmp"',
    'rm -rf "$dest"; mv "$tmp" "$dest"',
    'printf \'#!/bin/sh\\nexec node "%s" "$@"\\n\' "$dest/dist/cli/main.js" > "$HOME/.agentmux/bin/.agentmux.$$"',
    'chmod 755 "$HOME/.agentmux/bin/.agentmux.$$"; mv "$HOME/.agentmux/bin/.agentmux.$$" "$HOME/.agentmux/bin/agentmux"',
  ].join('\n');
}

/** Pipes `tar -cz FILES` into the remote unpacking; resolves with the line saying why it failed, or undefined. */
function copyOver(name: string, host: SshHost, context: InstallContext, files: string[]): Promise<string | undefined> {
  const { file, args } = sshCommand(host, context.controlDir, ['sh', '-c', unpackScript(context.version)], false);
  return new Promise((resolve) => {
    const tar = spawn('tar', ['-cz', '-C', context.packageRoot, '--', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ssh = spawn(file, args, { stdio: ['pipe', 'ignore', 'pipe'], env: context.env });
    let tarError = '';
    let sshError = '';
    tar.stderr.on('data', (chunk: Buffer) => { tarError = (tarError + chunk.toString()).slice(-2000); });
    ssh.stderr.on('data', (chunk: Buffer) => { sshError = (sshError + chunk.toString()).slice(-2000); });
    ssh.stdin.on('error', () => {
      // ssh ended before reading all of it: its exit status tells why.
    });
    tar.stdout.pipe(ssh.stdin);
    const tarDone = new Promise<number | null>((done) => { tar.on('close', done); tar.on('error', () => done(127)); });
    const sshDone = new Promise<number | null>((done) => { ssh.on('close', done); ssh.on('error', () => done(127)); });
    void Promise.all([tarDone, sshDone]).then(([tarCode, sshCode]) => {
      if (sshCode === 255) resolve(sshFailure(name, host.ssh, sshError));
      else if (tarCode !== 0) resolve(`${name}: copying agentmux failed: tar here: ${firstLine(tarError) || `exit ${tarCode}`}`);
      else if (sshCode !== 0) resolve(`${name}: copying agentmux failed: unpacking there: ${firstLine(sshError) || `exit ${sshCode}`}`);
      else resolve(undefined);
    });
  });
}

function failure(name: string, host: SshHost, doing: string, result: { code: number | null; stderr: string; timedOut: boolean }): string {
  if (result.timedOut) return `${name}: ${host.ssh} did not answer within ${CHECK_TIMEOUT_MS / 1000} s`;
  if (result.code === 255) return sshFailure(name, host.ssh, result.stderr);
  return `${name}: ${doing} failed (exit ${result.code}): ${firstLine(result.stderr) || 'no message'}`;
}

function firstLine(text: string): string {
  return printable(text.split('\n').map((line) => line.trim()).find((line) => line.length > 0)?.slice(0, 200) ?? '');
}
