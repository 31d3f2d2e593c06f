// Which running agents write the same file: two agents sharing a checkout overwrite each other's work
// unseen, so the first file two of them both write is worth one warning for that pair.

/** Two agents that both wrote `file` (absolute) while running; `first` wrote it first. */
export interface SharedWrite {
  file: string;
  first: string;
  second: string;
}

export class SharedWrites {
  /** Running agents by the absolute files they wrote. */
  private readonly writers = new Map<string, Set<string>>();
  /** Pairs already warned about ("a\0b", sorted). */
  private readonly warned = new Set<string>();

  /** `agent` wrote `file`; the pair it now shares a file with, the first time they do. */
  wrote(agent: string, file: string): SharedWrite | undefined {
    const writers = this.writers.get(file) ?? new Set<string>();
    this.writers.set(file, writers);
    const alreadyWrote = writers.has(agent);
    writers.add(agent);
    if (alreadyWrote) return undefined;
    for (const other of writers) {
      if (other === agent) continue;
      const pair = [agent, other].sort().join('\0');
      if (this.warned.has(pair)) continue;
      this.warned.add(pair);
      return { file, first: other, second: agent };
    }
    return undefined;
  }

  /** `agent` stopped running: what it wrote no longer clashes with anyone, and a new agent of its name starts afresh. */
  ended(agent: string): void {
    for (const [file, writers] of this.writers) {
      writers.delete(agent);
      if (writers.size === 0) this.writers.delete(file);
    }
    for (const pair of this.warned) {
      if (pair.split('\0').includes(agent)) this.warned.delete(pair);
    }
  }
}
