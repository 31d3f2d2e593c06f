import { describe, expect, it } from 'vitest';
import {
  containerPath, dockerEnvError, dockerExecCommand, dockerKillCommand, dockerRunCommand, dockerStopCommand, parseContainerInspect,
  parseImageInspect,
} from '../../src/core/docker-command.js';

const inspect = (state: object, mounts: object[] = []) => JSON.stringify([{ State: state, Mounts: mounts }]);

describe('docker command lines', () => {
  it('execs the program in the container under a wrapper that records its process group', () => {
    const command = dockerExecCommand('box', '/work/app', { A: '1', B: 'two words' }, '/tmp/agentmux-x-1.pid', ['npm', 'test']);
    expect(command.file).toBe('docker');
    expect(command.args.slice(0, 9)).toEqual(['exec', '-it', '-w', '/work/app', '-e', 'A=1', '-e', 'B=two words', 'box']);
    expect(command.args.slice(9, 11)).toEqual(['sh', '-c']);
    expect(command.args.slice(12)).toEqual(['/tmp/agentmux-x-1.pid', 'npm', 'test']);
  });

  it('runs a sandbox with only the directory mounted', () => {
    expect(dockerRunCommand('agentmux-a-00ff', 'node:20', '/home/me/wt', { K: 'v' }, ['node', '-v']).args).toEqual([
      'run', '--rm', '-it', '--name', 'agentmux-a-00ff', '-v', '/home/me/wt:/home/me/wt', '-w', '/home/me/wt', '-e', 'K=v', 'node:20', 'node', '-v',
    ]);
  });

  it('stops a sandbox and kills an exec\'d program with a grace period in whole seconds', () => {
    expect(dockerStopCommand('agentmux-a-00ff', 2.5).args).toEqual(['stop', '-t', '3', 'agentmux-a-00ff']);
    const kill = dockerKillCommand('box', '/tmp/p.pid', 1);
    expect(kill.args.slice(0, 4)).toEqual(['exec', 'box', 'sh', '-c']);
    expect(kill.args[5]).toBe('/tmp/p.pid');
    expect(kill.args[4]).toContain('kill -TERM -"$pid"');
  });

  it('refuses environment names docker cannot take', () => {
    expect(dockerEnvError({ GOOD_1: 'x' })).toBeUndefined();
    expect(dockerEnvError({ 'A=B': 'x' })).toMatch(/"A=B" cannot be passed/);
    expect(dockerEnvError({ A: 'x\0y' })).toMatch(/"A" cannot be passed/);
  });
});

describe('containerPath', () => {
  const mounts = [{ source: '/home/me', destination: '/host' }, { source: '/home/me/src/app/', destination: '/work' }, { source: '/data', destination: '/' }];

  it('goes through the deepest mount that holds the directory', () => {
    expect(containerPath(mounts, '/home/me/src/app')).toBe('/work');
    expect(containerPath(mounts, '/home/me/src/app/pkg/')).toBe('/work/pkg');
    expect(containerPath(mounts, '/home/me/notes')).toBe('/host/notes');
    expect(containerPath(mounts, '/data/x')).toBe('/x');
  });

  it('is undefined outside every mount, and a prefix of a name is not a parent', () => {
    expect(containerPath(mounts, '/home/meadow')).toBeUndefined();
    expect(containerPath(mounts, '/srv')).toBeUndefined();
    expect(containerPath([], '/home/me')).toBeUndefined();
  });
});

describe('docker inspect answers', () => {
  it('reads a running container\'s bind mounts', () => {
    const mounts = [{ Type: 'bind', Source: '/a', Destination: '/b' }, { Type: 'volume', Source: '/var/lib/docker/v', Destination: '/v' }];
    expect(parseContainerInspect('box', 'c', 0, inspect({ Running: true, Status: 'running' }, mounts), '')).toEqual({
      kind: 'running', mounts: [{ source: '/a', destination: '/b' }],
    });
  });

  it('says a container is stopped, paused or missing', () => {
    expect(parseContainerInspect('box', 'c', 0, inspect({ Running: false, Status: 'exited' }), '')).toEqual({ kind: 'stopped', status: 'exited' });
    expect(parseContainerInspect('box', 'c', 0, inspect({ Running: true, Paused: true }), '')).toBe('box: container c is paused: resume it with docker unpause c');
    expect(parseContainerInspect('box', 'c', 1, '[]', 'Error: No such container: c\n')).toBe(
      'box: there is no container c (docker ps -a lists them): create it, or fix "docker" in the config',
    );
  });

  it('tells a daemon that does not answer, or an answer it cannot read', () => {
    expect(parseContainerInspect('box', 'c', 1, '', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n'))
      .toBe('box: the docker daemon is not running here: start Docker');
    expect(parseContainerInspect('box', 'c', 1, '', 'permission denied while trying to connect to the Docker daemon socket\n')).toMatch(/^box: you may not use the docker daemon here .*docker group$/);
    expect(parseContainerInspect('box', 'c', 0, 'not json', '')).toBe('box: docker container inspect c gave an answer agentmux cannot read');
    expect(parseContainerInspect('box', 'c', 1, '', 'weird\u001b[31m failure\n')).toBe('box: docker failed: weird [31m failure');
  });

  it('says an image is missing and how to get it', () => {
    expect(parseImageInspect('box', 'node:20', 0, '')).toBe(true);
    expect(parseImageInspect('box', 'node:20', 1, 'Error response from daemon: No such image: node:20\n')).toBe(
      'box: image node:20 is not on this machine: get it with docker pull node:20',
    );
  });
});
