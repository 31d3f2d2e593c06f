// Cleanup that must happen however the benchmark ends: agents, tmux servers, temp files.
// Functions run last-registered first, synchronously, on normal exit or on a signal.

const tasks = [];

/** Registers `fn`; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(fn) {
  const task = { fn, done: false };
  tasks.push(task);
  return () => runTask(task);
}

function runTask(task) {
  if (task.done) return;
  task.done = true;
  const index = tasks.indexOf(task);
  if (index >= 0) tasks.splice(index, 1);
  try {
    task.fn();
  } catch {
    // Best effort: the thing to clean may already be gone.
  }
}

export function cleanupAll() {
  for (const task of [...tasks].reverse()) runTask(task);
}

process.on('exit', cleanupAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanupAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

/** SIGKILL a process group (node-pty children lead their own), falling back to the process. */
export function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
