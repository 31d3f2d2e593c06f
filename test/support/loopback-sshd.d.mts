// Types of loopback-sshd.mjs.
export interface LoopbackSshd {
  /** The host's name in `sshConfig` (`ssh -F sshConfig ALIAS`). */
  readonly alias: string;
  readonly port: number;
  /** An ssh config file that reaches this server as `alias` (user key, its own known_hosts). */
  readonly sshConfig: string;
  /** The HOME of the sessions the server runs (the "remote" home). */
  readonly remoteHome: string;
  readonly dir: string;
  /** Drops every open connection (a lost link); the server goes on listening. */
  dropConnections(): void;
  /** Stops accepting connections (the host is unreachable) until `listen()`. */
  stopListening(): Promise<void>;
  listen(): Promise<void>;
  /** Restarts the server with a new host key: clients that knew the old one refuse it. */
  changeHostKey(): Promise<void>;
  stop(): Promise<void>;
}

export const SSHD: string;
/** Why the loopback sshd cannot run here, or undefined when it can. */
export function sshdMissing(): string | undefined;
/** `env`: more variables for its sessions (e.g. a PATH with a fake program first). */
export function startLoopbackSshd(alias?: string, env?: Record<string, string>): Promise<LoopbackSshd>;
