import { describe, expect, it } from 'vitest';
import { parseScriptCommand } from '../../src/cli/script-args.js';
import { stateLabel } from '../../src/core/agent.js';
import { parseClientMessage } from '../../src/core/command-validation.js';
import { mergeConfig, DEFAULT_CONFIG, validateConfigFile } from '../../src/core/config-schema.js';
import {
  findHost, gitSshCommand, hostsError, nodeTooOld, nodeVersionOk, remoteWord, sshCommand, sshFailure, type SshHost,
} from '../../src/core/hosts.js';
import { parseSlashCommand } from '../../src/core/slash-commands.js';
import { validateMainTool } from '../../src/server/main-tools.js';

describe('hosts in the config', () => {
  it('takes ssh and docker hosts', () => {
    const hosts = { build: { ssh: 'me@build.example', cwd: '~/src/app' }, box: { docker: 'my-sandbox' }, gpu: { ssh: 'gpu', sshArgs: ['-p', '2222'], agentmux: false } };
    expect(hostsError(hosts)).toBeUndefined();
    expect(validateConfigFile({ hosts }, 'config.json')).toEqual({ ok: true, value: { hosts } });
  });

  it('names the host and the key of each mistake', () => {
    expect(hostsError([])).toBe('hosts: expected an object like {"build": {"ssh": "me@build.example"}}');
    expect(hostsError({ Build: { ssh: 'x' } })).toBe('hosts.Build: a host name is 1-32 lowercase letters, digits and dashes');
    expect(hostsError({ b: { ssh: 'x', docker: 'y' } })).toBe('hosts.b: give exactly one of "ssh" and "docker"');
    expect(hostsError({ b: {} })).toBe('hosts.b: give exactly one of "ssh" and "docker"');
    expect(hostsError({ b: { ssh: 'x', image: 'node' } })).toBe('hosts.b.image: unknown key (known: ssh, cwd, sshArgs, agentmux)');
    expect(hostsError({ b: { ssh: 'x', cwd: 'src' } })).toBe('hosts.b.cwd: expected an absolute directory or one under ~/, got "src"');
    expect(hostsError({ b: { docker: 'box', image: 'bad image' } })).toBe('hosts.b.image: "bad image" is not an image name');
    expect(hostsError({ b: { ssh: 'x', sshArgs: '-p 22' } })).toBe('hosts.b.sshArgs: expected a list of ssh options as strings, e.g. ["-p", "2222"]');
    expect(validateConfigFile({ hosts: { b: { docker: '-it' } } }, 'c.json')).toEqual({ ok: false, error: 'c.json: hosts.b.docker: "-it" is not a container name' });
  });

  it('refuses a destination that ssh would read as an option or a shell would split', () => {
    for (const ssh of ['-oProxyCommand=evil', 'me@host; rm -rf ~', 'a b', '', '$(id)']) {
      expect(hostsError({ b: { ssh } })).toBe(`hosts.b.ssh: ${JSON.stringify(ssh)} is not an ssh destination (user@host or a ~/.ssh/config alias)`);
    }
  });

  it('lets a repository add hosts, never redefine one of the user\'s', () => {
    const merged = mergeConfig(DEFAULT_CONFIG, { hosts: { build: { ssh: 'mine', cwd: '/x' }, gpu: { ssh: 'g' } } }, { hosts: { build: { ssh: 'theirs' }, ci: { ssh: 'ci' } } });
    expect(merged.hosts).toEqual({ build: { ssh: 'mine', cwd: '/x' }, gpu: { ssh: 'g' }, ci: { ssh: 'ci' } });
  });

  it('finds a host, or says which there are and how to add one', () => {
    expect(findHost({ build: { ssh: 'b' } }, 'build')).toEqual({ ssh: 'b' });
    expect(findHost({ build: { ssh: 'b' } }, 'gpu')).toBe('no host named gpu (hosts: build; agentmux host ls lists them)');
    expect(findHost({}, 'gpu')).toBe('no host named gpu: add it to "hosts" in the config, e.g. {"hosts": {"gpu": {"ssh": "me@gpu.example"}}}');
    expect(findHost({}, 'constructor')).toMatch(/^no host named constructor/);
  });
});

describe('ssh command lines', () => {
  const host: SshHost = { ssh: 'me@build.example', sshArgs: ['-p', '2222'] };

  it('shares one connection, never prompts, notices a dead link, and ends the options before the destination', () => {
    const { file, args } = sshCommand(host, '/run/amx/ssh', ['agentmux', 'remote-agent', 'probe'], false);
    expect(file).toBe('ssh');
    expect(args).toEqual([
      '-T', '-o', 'ControlMaster=auto', '-o', 'ControlPath=/run/amx/ssh/%C', '-o', 'ControlPersist=300', '-o', 'BatchMode=yes',
      '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3', '-p', '2222', '--', 'me@build.example', 'agentmux remote-agent probe',
    ]);
    expect(sshCommand(host, '/c', ['x'], true).args[0]).toBe('-tt');
  });

  it('quotes remote words for the remote shell, leaving ~/ to expand', () => {
    expect(remoteWord('~/.agentmux/bin/agentmux')).toBe('~/.agentmux/bin/agentmux');
    expect(remoteWord('~/my dir')).toBe("~/'my dir'");
    expect(remoteWord("it's; rm")).toBe("'it'\\''s; rm'");
    expect(remoteWord('~')).toBe('~');
  });

  it('gives git the same connection', () => {
    expect(gitSshCommand(host, '/c')).toBe('ssh -o ControlMaster=auto -o ControlPath=/c/%C -o ControlPersist=300 -o BatchMode=yes -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -p 2222');
  });

  it('says in one line why ssh failed, from what it printed', () => {
    expect(sshFailure('build', 'b.example', '@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n...Host key verification failed.\n'))
      .toBe('build: the host key of b.example has changed: if that is expected, remove the old key (ssh-keygen -R) and connect once with ssh yourself');
    expect(sshFailure('build', 'b.example', 'Host key verification failed.\n'))
      .toBe('build: the host key of b.example is not known: connect once with ssh b.example to check and accept it');
    expect(sshFailure('build', 'b.example', 'ssh: Could not resolve hostname b.example: Name or service not known\n'))
      .toBe('build: b.example is not a known host name (check "hosts" in the config or ~/.ssh/config)');
    expect(sshFailure('build', 'b.example', 'me@b.example: Permission denied (publickey).\n')).toMatch(/^build: b.example refused the login: agentmux uses your ssh keys/);
    expect(sshFailure('build', 'b.example', 'ssh: connect to host b.example port 22: Connection refused\n'))
      .toBe('build: b.example is unreachable (ssh: connect to host b.example port 22: Connection refused)');
    expect(sshFailure('build', 'b.example', '')).toBe('build: ssh to b.example failed: no message');
  });

  it('checks the remote Node version', () => {
    expect(nodeVersionOk('v20.19.0')).toBe(true);
    expect(nodeVersionOk('v22.1.0\n')).toBe(true);
    expect(nodeVersionOk('v20.18.3')).toBe(false);
    expect(nodeVersionOk('v18.19.0')).toBe(false);
    expect(nodeVersionOk('')).toBe(false);
    expect(nodeTooOld('build', 'v18.0.0')).toBe('build: Node v18.0.0 is too old for agentmux there: install Node 20.19 or later on that host');
  });
});

describe('--host on commands', () => {
  it('is taken by /run, /spawn and /new, checked by the host name rule', () => {
    expect(parseSlashCommand('/run --host build -- make')).toEqual({ ok: true, command: { kind: 'run', command: 'make', host: 'build' } });
    expect(parseSlashCommand('/spawn --host gpu train it')).toEqual({ ok: true, command: { kind: 'spawn', task: 'train it', host: 'gpu' } });
    expect(parseSlashCommand('/new claude --host build fix it')).toEqual({ ok: true, command: { kind: 'new', cli: 'claude', task: 'fix it', host: 'build' } });
    expect(parseSlashCommand('/run --host ../x -- make')).toMatchObject({ ok: false, error: '--host: "../x" is not a host name: 1-32 lowercase letters, digits and dashes' });
  });

  it('is taken by agentmux run, spawn and new', () => {
    expect(parseScriptCommand('run', ['--host', 'build', '--', 'make', 'test'])).toEqual({ ok: true, command: { kind: 'run', json: false, command: 'make test', host: 'build' } });
    expect(parseScriptCommand('spawn', ['--host', 'gpu', 'train'])).toMatchObject({ ok: true, command: { kind: 'spawn', task: 'train', host: 'gpu' } });
    expect(parseScriptCommand('new', ['codex', '--host', 'build'])).toMatchObject({ ok: true, command: { kind: 'new', cli: 'codex', host: 'build' } });
    expect(parseScriptCommand('run', ['--host', 'B', '--', 'x'])).toMatchObject({ ok: false, error: '--host: "B" is not a host name: 1-32 lowercase letters, digits and dashes' });
  });

  it('is checked on the socket and in spawn_agent', () => {
    expect(parseClientMessage({ type: 'run', command: 'x', cwd: '/tmp', host: 'build' })).toEqual({ ok: true, message: { type: 'run', command: 'x', cwd: '/tmp', host: 'build' } });
    expect(parseClientMessage({ type: 'spawn', task: 'x', cwd: '/tmp', host: '-oProxyCommand=x' }))
      .toEqual({ ok: false, error: 'spawn.host: "-oProxyCommand=x" is not a host name: 1-32 lowercase letters, digits and dashes' });
    expect(validateMainTool('spawn_agent', { task: 't', host: 'build' })).toMatchObject({ tool: 'spawn_agent', host: 'build' });
    expect(validateMainTool('spawn_agent', { task: 't', host: 'Not A Host' })).toEqual({ error: 'spawn_agent: "host": "Not A Host" is not a host name: 1-32 lowercase letters, digits and dashes' });
  });
});

describe('the state of an agent on a host', () => {
  it('says since when its link is down, and when exit status is its only signal', () => {
    const at = new Date(2026, 11, 7, 12, 3).getTime();
    expect(stateLabel({ state: 'unknown', linkDownSince: at, hostLink: 'agentmux' })).toBe('unknown (link down since 12:03)');
    expect(stateLabel({ state: 'running', hostLink: 'plain' })).toBe('running (exit status only)');
    expect(stateLabel({ state: 'finished', hostLink: 'plain' })).toBe('finished');
  });
});
