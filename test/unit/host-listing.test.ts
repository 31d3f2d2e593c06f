import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { hostRows, hostTable, NO_HOSTS } from '../../src/core/host-listing.js';
import { dockerReach, parseProbe, sshReach } from '../../src/core/host-reach.js';

const ssh = { ssh: 'me@build.example' };
const result = (code: number | null, stdout = '', stderr = '', timedOut = false) => ({ code, stdout, stderr, timedOut });

describe('sshReach', () => {
  it('reads the remote agentmux\'s probe', () => {
    expect(sshReach('build', ssh, result(0, 'motd\n{"agentmux":"0.2.0","node":"v22.1.0"}\n'), 10_000)).toEqual({
      reachable: true, status: 'agentmux 0.2.0, Node v22.1.0', agentmux: '0.2.0', node: 'v22.1.0',
    });
    expect(parseProbe('{"agentmux":"\\u001b[2J0.2","node":"v20"}')).toEqual({ agentmux: ' [2J0.2', node: 'v20' });
    expect(parseProbe('{"agentmux":1}')).toBeUndefined();
  });

  it('tells a host without agentmux, or with one that does not answer the probe', () => {
    expect(sshReach('build', ssh, result(127, '', 'sh: agentmux: not found'), 10_000).status).toBe('reachable, no agentmux (agentmux host install build)');
    expect(sshReach('build', ssh, result(2, '', 'agentmux: unknown command remote-agent\n'), 10_000)).toEqual({
      reachable: true, status: 'reachable, but its agentmux did not answer the probe (agentmux: unknown command remote-agent): agentmux host install build',
    });
  });

  it('tells why ssh failed, or that nothing answered in time', () => {
    expect(sshReach('build', ssh, result(255, '', 'ssh: Could not resolve hostname build.example: Name or service not known\n'), 10_000)).toEqual({
      reachable: false, status: 'me@build.example is not a known host name (check "hosts" in the config or ~/.ssh/config)',
    });
    expect(sshReach('build', ssh, result(null, '', '', true), 10_000)).toEqual({ reachable: false, status: 'me@build.example did not answer within 10 s' });
  });
});

describe('dockerReach', () => {
  const running = JSON.stringify([{ State: { Running: true }, Mounts: [] }]);
  it('tells a running container, a stopped one, a missing image and a missing docker', () => {
    expect(dockerReach('box', { docker: 'c' }, result(0, running), 10_000)).toEqual({ reachable: true, status: 'running' });
    expect(dockerReach('box', { docker: 'c' }, result(0, JSON.stringify([{ State: { Running: false, Status: 'created' } }])), 10_000).status)
      .toBe('not running (created): start it with docker start c');
    expect(dockerReach('box', { docker: 'c', image: 'x:1' }, result(1, '', 'No such image: x:1'), 10_000).status).toBe('image x:1 is not on this machine: get it with docker pull x:1');
    expect(dockerReach('box', { docker: 'c' }, result(127, '', 'docker: command not found'), 10_000).status).toBe("the docker command is not installed here: install Docker's CLI");
  });
});

describe('hostRows and hostTable', () => {
  const agent = (name: string, host: string | undefined, state: AgentInfo['state']): AgentInfo => ({
    name, kind: 'command', task: 'x', cwd: '/', state, startedAt: 0, lastLine: '', unread: false, ...(host ? { host } : {}),
  });

  it('lists each host with its agents, the ones still at work first', () => {
    const rows = hostRows(
      { build: ssh, box: { docker: 'sb', image: 'node:20' } },
      { build: { reachable: true, status: 'agentmux 0.1.0, Node v20.19.0' }, box: { reachable: false, status: 'image node:20 is not on this machine' } },
      [agent('old', 'build', 'finished'), agent('fix', 'build', 'running'), agent('here', undefined, 'running')],
    );
    expect(hostTable(rows)).toBe([
      'HOST   KIND    WHERE             STATUS                                AGENTS',
      'build  ssh     me@build.example  agentmux 0.1.0, Node v20.19.0         2 (fix running, old finished)',
      'box    docker  image node:20     image node:20 is not on this machine  0',
      '',
    ].join('\n'));
  });

  it('says how to add hosts when there are none', () => {
    expect(hostTable([])).toBe(`${NO_HOSTS}\n`);
  });
});
