// `agentmux gc [--yes] [--force]`: worktrees and agentmux/* branches whose agents no longer
// exist (no record of this repository's server names them), removed one by one once the
// user agrees. Unmerged or uncommitted work is kept unless --force.
import { createInterface } from 'node:readline/promises';
import type { GitWorktrees, Leftover } from '../git/index.js';

export const GC_USAGE = 'usage: agentmux gc [--yes] [--force]';

function describe(leftover: Leftover): string {
  const where = leftover.worktree === 'present' ? leftover.path : leftover.worktree === 'missing' ? 'worktree deleted by hand' : 'no worktree';
  return `${leftover.name} (${leftover.branch ?? 'no branch'}, ${where}${leftover.locked ? ', locked' : ''})`;
}

/** One line for the chat at start, when there is something to clean up. */
export function leftoverNotice(leftovers: readonly Leftover[]): string | undefined {
  if (leftovers.length === 0) return undefined;
  const names = leftovers.map((leftover) => leftover.name).join(', ');
  return `${leftovers.length} worktree agent${leftovers.length === 1 ? '' : 's'} from earlier sessions left worktrees or branches (${names}): run agentmux gc to review and remove them.`;
}

export async function gcMain(
  argv: readonly string[], git: GitWorktrees, knownAgents: readonly string[], io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
): Promise<number> {
  const unknown = argv.find((arg) => arg !== '--yes' && arg !== '--force');
  if (unknown) {
    io.output.write(`agentmux gc: unknown option ${unknown}\n${GC_USAGE}\n`);
    return 2;
  }
  const yes = argv.includes('--yes');
  const force = argv.includes('--force');
  try {
    await git.repoInfo();
  } catch (error) {
    io.output.write(`agentmux gc: ${(error as Error).message}\n`);
    return 1;
  }
  const pruned = await git.prune();
  for (const path of pruned) io.output.write(`pruned the stale worktree entry ${path}\n`);
  const leftovers = await git.leftovers(knownAgents);
  if (leftovers.length === 0) {
    io.output.write('Nothing to clean up: no agentmux worktrees or branches.\n');
    return 0;
  }
  // Lines are read one per question from an iterator: answers piped in all at once are not lost.
  const prompt = yes ? undefined : createInterface({ input: io.input, terminal: false });
  const lines = prompt?.[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    io.output.write(question);
    const line = await lines?.next();
    return line && !line.done ? String(line.value).trim().toLowerCase() : '';
  };
  let failed = 0;
  try {
    for (const leftover of leftovers) {
      const answer = prompt ? await ask(`Remove ${describe(leftover)}? [y/N] `) : 'y';
      if (answer !== 'y' && answer !== 'yes') continue;
      try {
        await git.discard(leftover.name, { force });
        io.output.write(`removed ${leftover.name}\n`);
      } catch (error) {
        failed++;
        io.output.write(`kept ${leftover.name}: ${(error as Error).message}\n`);
      }
    }
  } finally {
    prompt?.close();
  }
  return failed > 0 ? 1 : 0;
}
