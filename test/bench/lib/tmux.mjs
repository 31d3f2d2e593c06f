// A tmux server on a private socket (-L), killed at exit whatever happens.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from './cleanup.mjs';

let serial = 0;

/** The environment tmux and its panes run with: never the user's own tmux. */
export function tmuxEnv() {
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

export class Tmux {
  /** `dir` holds the config: scrollback as agentmux's default (5000 lines), nothing else. */
  constructor(dir, { historyLimit = 5000 } = {}) {
    this.socket = `agentmux-bench-${process.pid}-${++serial}`;
    this.config = join(dir, `tmux-${serial}.conf`);
    writeFileSync(this.config, `set -g history-limit ${historyLimit}\n`);
    this.dropCleanup = onCleanup(() => this.killServer());
  }

  /** Arguments selecting this server, to put before a tmux command. */
  get base() {
    return ['-L', this.socket, '-f', this.config];
  }

  /** Runs a tmux command synchronously; returns its stdout. */
  run(...args) {
    return execFileSync('tmux', [...this.base, ...args], { env: tmuxEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Runs a tmux command without blocking the event loop. */
  runAsync(...args) {
    return new Promise((resolve, reject) => {
      execFile('tmux', [...this.base, ...args], { env: tmuxEnv(), encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
  }

  serverPid() {
    return Number(this.run('display-message', '-p', '#{pid}').trim());
  }

  /** Where tmux puts the socket of `-L NAME`. */
  get socketPath() {
    return join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid()}`, this.socket);
  }

  /** Ends the server and removes its socket file (tmux leaves it behind). */
  killServer() {
    try {
      this.run('kill-server');
    } catch {
      // no server running
    }
    rmSync(this.socketPath, { force: true });
  }

  close() {
    this.dropCleanup();
  }
}
