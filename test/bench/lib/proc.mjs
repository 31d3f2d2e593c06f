// Reading a process's memory and CPU time from /proc (Linux).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

function statusField(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resident set size in bytes. */
export function rss(pid = process.pid) {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size in bytes since start (or since resetPeakRss). */
export function peakRss(pid = process.pid) {
  return statusField(pid, 'VmHWM');
}

/** Resets VmHWM to the current RSS; false where the kernel refuses. */
export function resetPeakRss(pid = process.pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU time (user + system) of all threads of `pid`, in milliseconds. Uses the nanosecond
 * schedstat counters when the kernel has them, else utime+stime clock ticks.
 */
export function cpuMs(pid) {
  let total = 0;
  let precise = true;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      precise = false;
      break;
    }
  }
  if (precise) return total;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Every descendant of `pid` (children of all its threads, recursively). */
export function descendantsOf(pid) {
  const found = [];
  const visit = (parent) => {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const tid of tids) {
      let children = [];
      try {
        children = readFileSync(`/proc/${parent}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        // thread gone
      }
      for (const child of children) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** When `pid` started (clock ticks since boot), or undefined when it is gone: tells a pid reused from the original. */
export function startTime(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
  } catch {
    return undefined;
  }
}
