// `agentmux gc [--yes] [--force]`: worktrees and agentmux/* branches whose agents no longer
// exist (no record of this repository's server names them), and the logs and transcripts of
// agents the records no longer know (removed with /rm), removed one by one once the user agrees.
// Unmerged or uncommitted work is kept unless --force.
import { createInterface } from 'node:readline/promises';
import { WorktreeError, type GitWorktrees, type Leftover } from '../git/index.js';
import { AgentRecords } from '../store/agent-records.js';
import { deleteFiles, leftoverFiles, type LeftoverFiles } from '../store/removed-files.js';

export const GC_USAGE = 'usage: agentmux gc [--yes] [--force]';

function describe(leftover: Leftover): string {
  const where = leftover.worktree === 'present' ? leftover.path : leftover.worktree === 'missing' ? 'worktree deleted by hand' : 'no worktree';
  return `${leftover.name} (${leftover.branch ?? 'no branch'}, ${where}${leftover.locked ? ', locked' : ''})`;
}

/** "the log and transcript of build". */
function filesOf(group: LeftoverFiles): string {
  const what = [group.files.some((file) => file.startsWith('logs/')) ? 'log' : '', group.files.some((file) => file.startsWith('workers/')) ? 'transcript' : '']
    .filter(Boolean).join(' and ');
  return `the ${what} of ${group.name}`;
}

function describeFiles(group: LeftoverFiles): string {
  const when = group.removedAt === undefined ? 'no record names it' : `removed ${new Date(group.removedAt).toISOString().slice(0, 16).replace('T', ' ')}`;
  return `${filesOf(group)} (${when}, ${(group.bytes / 1024 / 1024).toFixed(1)} MB)`;
}

/** One line for the chat at start, when there is something to clean up. */
export function leftoverNotice(leftovers: readonly Leftover[]): string | undefined {
  if (leftovers.length === 0) return undefined;
  const names = leftovers.map((leftover) => leftover.name).join(', ');
  return `${leftovers.length} worktree agent${leftovers.length === 1 ? '' : 's'} from earlier sessions left worktrees or branches (${names}): run agentmux gc to review and remove them.`;
}

export async function gcMain(
  argv: readonly string[], git: GitWorktrees, stateDir: string, io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
): Promise<number> {
  const unknown = argv.find((arg) => arg !== '--yes' && arg !== '--force');
  if (unknown) {
    io.output.write(`agentmux gc: unknown option ${unknown}\n${GC_USAGE}\n`);
    return 2;
  }
  const yes = argv.includes('--yes');
  const force = argv.includes('--force');
  // Read beside a server that may be running: it may add a record at any time.
  const records = () => new AgentRecords(stateDir).load({ readOnly: true }).records;
  let leftovers: Leftover[] = [];
  try {
    await git.repoInfo();
    leftovers = await worktreeLeftovers(git, records().map((record) => record.info.name), io.output);
  } catch (error) {
    // Outside a repository there are no worktrees, only logs.
    if (!(error instanceof WorktreeError && error.code === 'not-a-repo')) {
      io.output.write(`agentmux gc: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const files = leftoverFiles(stateDir, records());
  if (leftovers.length === 0 && files.length === 0) {
    io.output.write('Nothing to clean up: no agentmux worktrees, branches or logs of removed agents.\n');
    return 0;
  }
  // Lines are read one per question from an iterator: answers piped in all at once are not lost.
  const prompt = yes ? undefined : createInterface({ input: io.input, terminal: false });
  const lines = prompt?.[Symbol.asyncIterator]();
  const agrees = async (question: string): Promise<boolean> => {
    if (!lines) return true;
    io.output.write(`${question} [y/N] `);
    const line = await lines.next();
    const answer = line && !line.done ? String(line.value).trim().toLowerCase() : '';
    return answer === 'y' || answer === 'yes';
  };
  let failed = 0;
  try {
    for (const leftover of leftovers) {
      if (!(await agrees(`Remove ${describe(leftover)}?`))) continue;
      try {
        await git.discard(leftover.name, { force });
        io.output.write(`removed ${leftover.name}\n`);
      } catch (error) {
        failed++;
        io.output.write(`kept ${leftover.name}: ${(error as Error).message}\n`);
      }
    }
    for (const group of files) {
      if (!(await agrees(`Remove ${describeFiles(group)}?`))) continue;
      // An agent given the name meanwhile may have a record for one of these files now.
      const still = new Set(leftoverFiles(stateDir, records()).find((now) => now.name === group.name)?.files);
      deleteFiles(stateDir, group.files.filter((file) => still.has(file)));
      io.output.write(`removed ${filesOf(group)}\n`);
    }
  } finally {
    prompt?.close();
  }
  return failed > 0 ? 1 : 0;
}

async function worktreeLeftovers(git: GitWorktrees, knownAgents: readonly string[], output: NodeJS.WritableStream): Promise<Leftover[]> {
  const pruned = await git.prune();
  for (const path of pruned) output.write(`pruned the stale worktree entry ${path}\n`);
  return git.leftovers(knownAgents);
}
