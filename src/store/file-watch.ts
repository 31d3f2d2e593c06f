// Told when a file changes (inotify on Linux, through fs.watch): an agent CLI's transcript, whose last
// lines may be written after the hook that would have had them read.
import { watch, type FSWatcher } from 'node:fs';

export interface FileWatch {
  close(): void;
}

/** Calls `changed` after each change of the file at `path`; null when it cannot be watched (it does not exist yet). */
export function watchFile(path: string, changed: () => void): FileWatch | null {
  let watcher: FSWatcher;
  try {
    watcher = watch(path, { persistent: false }, () => changed());
  } catch {
    return null;
  }
  // A watch that breaks (the file is removed) just stops telling; the hooks still read the file.
  watcher.on('error', () => watcher.close());
  return { close: () => watcher.close() };
}
