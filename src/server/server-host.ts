// One server process for the user, hosting a workspace per repository: each an AgentServer
// with its own agents, conversation and state directory, opened when a client first asks.
import type { ClientHello, ServerEvent, WorkspaceFlags } from '../core/protocol.js';
import type { AgentServer } from './agent-server.js';
import type { ClientHost, HostConnection } from './socket-server.js';

export interface Workspace {
  server: AgentServer;
  /** The flags it was opened with (a later client's different flags are reported, not applied). */
  flags: WorkspaceFlags;
  /** What an earlier server left has been read back: these agents exist. */
  restored?(names: string[]): void;
  dispose(): Promise<void>;
}

export interface HostOptions {
  /** The workspace (repository root) a client's directory belongs to, and whether it is a repository. */
  workspaceOf(cwd: string): Promise<{ root: string; repository: boolean }>;
  open(root: string, flags: WorkspaceFlags): Promise<Workspace>;
  /** Why a client's flags cannot be used in this workspace (a main agent profile that does not exist): it is refused. */
  flagsError?(root: string, flags: WorkspaceFlags): Promise<string | undefined>;
  /** Every workspace has stopped: the process can end. */
  stopped(): void;
}

const STOPPED = 'the agentmux server stopped';

export class ServerHost implements ClientHost {
  private readonly workspaces = new Map<string, Promise<Workspace>>();
  /** Each open workspace's reading back of what an earlier server left. */
  private readonly restored = new Map<string, Promise<void>>();
  private stopRequested = false;
  /** The workspace a screen connected to last. */
  private lastScreenRoot: string | undefined;

  get stopping(): boolean {
    return this.stopRequested;
  }

  constructor(private readonly options: HostOptions) {}

  async connect(hello: ClientHello, send: (event: ServerEvent) => void): Promise<HostConnection | string> {
    if (this.stopRequested) return `${STOPPED}; start it again with agentmux`;
    const found = await this.options.workspaceOf(hello.cwd);
    const latest = hello.latest === true && !found.repository && this.lastScreenRoot !== undefined && this.lastScreenRoot !== found.root
      ? this.lastScreenRoot : undefined;
    const root = latest ?? found.root;
    const badFlags = await this.options.flagsError?.(root, hello.flags);
    if (badFlags) return badFlags;
    if (hello.role === 'screen') this.lastScreenRoot = root;
    let opening = this.workspaces.get(root);
    const fresh = !opening;
    if (!opening) {
      opening = this.options.open(root, hello.flags);
      this.workspaces.set(root, opening);
      opening.catch(() => this.workspaces.delete(root));
    }
    const workspace = await opening;
    const { server } = workspace;
    const refused = hello.session.kind === 'current' ? undefined : server.openSession(hello.session);
    // What an earlier server left is read once, after the conversation is chosen, so its notes land there;
    // nobody is shown the workspace before it has been read. A failure is the first client's to hear.
    if (fresh) {
      const restoring = server.restore().then(() => workspace.restored?.(server.agentNames()));
      this.restored.set(root, restoring.catch(() => undefined));
      await restoring;
    } else {
      await this.restored.get(root);
    }
    if (refused) return refused;
    if (hello.env && hello.role === 'screen') server.inheritEnvironment(hello.env);
    const connection = server.connect(send, hello.env);
    if (latest) send({ type: 'notice', message: `${hello.cwd} is in no repository: attached to ${latest}, where a screen was last (agentmux there opens this directory's own)` });
    const differs = flagDifferences(workspace.flags, hello.flags);
    if (differs) send({ type: 'error', message: `this repository's agents already run with ${differs}: your flags apply after \`agentmux server stop\`` });
    return {
      handle: (message) => {
        if (message.type !== 'shutdown') {
          connection.handle(message);
          return;
        }
        void this.shutdown(message.force === true).then((result) => {
          if (message.id !== undefined) send({ type: 'done', id: message.id, ...result });
        });
      },
      close: () => connection.close(),
    };
  }

  /** Stops every workspace (refused while agents run, unless forced) and then the process. */
  private async shutdown(force: boolean): Promise<{ error?: string; running?: number }> {
    const workspaces = await Promise.all(this.workspaces.values());
    const running = workspaces.reduce((sum, workspace) => sum + workspace.server.runningCount, 0);
    if (running > 0 && !force) {
      return { error: `${running} agent${running === 1 ? ' is' : 's are'} running: \`agentmux server stop --force\` stops them too`, running };
    }
    if (this.stopRequested) return { running };
    this.stopRequested = true;
    setImmediate(() => void this.stopAll(workspaces));
    return { running };
  }

  private async stopAll(workspaces: Workspace[]): Promise<void> {
    await Promise.all(workspaces.map(async (workspace) => {
      await workspace.server.stopAll();
      workspace.server.goodbye(STOPPED);
      await workspace.dispose();
    }));
    this.options.stopped();
  }
}

function flagDifferences(opened: WorkspaceFlags, asked: WorkspaceFlags): string | undefined {
  const parts: string[] = [];
  if (asked.model !== undefined && asked.model !== opened.model) parts.push(`model ${opened.model ?? 'from configuration'}`);
  if (asked.permissionMode !== undefined && asked.permissionMode !== opened.permissionMode) parts.push(`permission mode ${opened.permissionMode ?? 'from configuration'}`);
  if (asked.demo === true && !opened.demo) parts.push('the configured model, not the demo');
  if (asked.agent !== undefined && asked.agent !== opened.agent) parts.push(opened.agent ? `the main agent as ${opened.agent}` : 'the main agent without a profile');
  return parts.length > 0 ? parts.join(', ') : undefined;
}
