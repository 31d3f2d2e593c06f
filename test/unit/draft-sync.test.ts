import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DraftSync } from '../../src/tui/draft-sync.js';

describe('DraftSync', () => {
  let line = '';
  let sent: string[] = [];
  let drafts: DraftSync;

  beforeEach(() => {
    vi.useFakeTimers();
    line = '';
    sent = [];
    drafts = new DraftSync((text) => sent.push(text), () => line);
  });

  afterEach(() => {
    drafts.dispose();
    vi.useRealTimers();
  });

  it('tells the server once typing pauses, and only what changed', () => {
    for (const text of ['h', 'he', 'hello']) {
      line = text;
      drafts.changed();
      vi.advanceTimersByTime(100);
    }
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(sent).toEqual(['hello']);
    drafts.changed();
    vi.advanceTimersByTime(300);
    expect(sent).toEqual(['hello']);
    line = '';
    drafts.changed();
    vi.advanceTimersByTime(300);
    expect(sent).toEqual(['hello', '']);
  });

  it('flushes at once when the screen closes, and not again later', () => {
    line = 'half of a message';
    drafts.changed();
    drafts.flush();
    expect(sent).toEqual(['half of a message']);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['half of a message']);
  });

  it('does not send back the draft the server gave, nor one too long to send', () => {
    drafts.known('from before');
    line = 'from before';
    drafts.flush();
    line = 'x'.repeat(64 * 1024 + 1);
    drafts.flush();
    expect(sent).toEqual([]);
  });
});
