// Whether the main agent has been told an agent's outcome, as the journal keeps it on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { AgentJournal } from '../../src/server/agent-journal.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amux-journal-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (state: AgentInfo['state']): AgentInfo => ({ name: 'cc', kind: 'cli', cli: 'claude', task: '', cwd: '/', state, startedAt: 1, lastLine: '', unread: false });

describe('AgentJournal: told or not', () => {
  it('makes each new outcome news again: an agent CLI told of its idle turn and then ended is not told of its end yet', () => {
    const journal = new AgentJournal(dir);
    journal.changed(cli('running'));
    journal.changed(cli('idle'));
    journal.notified(cli('idle'));
    expect(journal.isNotified('cc')).toBe(true);
    journal.changed(cli('finished'));
    expect(journal.isNotified('cc')).toBe(false);
    // What a restarted server reads back.
    const again = new AgentJournal(dir);
    again.load();
    expect(again.isNotified('cc')).toBe(false);
  });

  it('keeps an outcome told once the record is saved again unchanged', () => {
    const journal = new AgentJournal(dir);
    journal.changed(cli('finished'));
    journal.notified(cli('finished'));
    journal.changed({ ...cli('finished'), unread: true });
    expect(journal.isNotified('cc')).toBe(true);
  });
});
