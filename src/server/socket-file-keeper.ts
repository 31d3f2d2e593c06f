// Keeps a listening socket reachable by its path: when the socket file, or the private directory
// holding it, is removed (a clean-up of /tmp or $XDG_RUNTIME_DIR, a user's rm), the directory is
// made again and the server listens anew on the same path. Clients already connected notice nothing.
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { preparePrivateDir } from '../store/state-paths.js';

export class SocketFileKeeper {
  private watcher: FSWatcher | undefined;
  private repairing = false;
  private disposed = false;

  /** `relisten` listens on `path` again; `log` hears of each repair and each failure, in one line. */
  constructor(private readonly path: string, private readonly relisten: () => Promise<void>, private readonly log: (line: string) => void) {
    this.watch();
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Watches the directory; a directory removed or replaced is watched again after the repair. */
  private watch(): void {
    this.watcher?.close();
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(this.path) || name === basename(dirname(this.path))) this.check();
      });
      this.watcher.on('error', (error) => this.log(`cannot watch ${dirname(this.path)}: ${error.message}`));
    } catch (error) {
      this.log(`cannot watch ${dirname(this.path)}, a removed socket will not come back: ${(error as Error).message}`);
    }
  }

  private check(): void {
    if (this.repairing || this.disposed || lstatSync(this.path, { throwIfNoEntry: false })) return;
    this.repairing = true;
    void this.repair().then(() => {
      this.repairing = false;
      // Removed again while we were at it: once more.
      this.check();
    }, (error: Error) => {
      this.repairing = false;
      this.log(`the socket ${this.path} was removed and cannot be made again: ${error.message}`);
    });
  }

  private async repair(): Promise<void> {
    preparePrivateDir(dirname(this.path));
    await this.relisten();
    if (this.disposed) return;
    this.watch();
    this.log(`the socket ${this.path} was removed: listening on it again`);
  }
}
