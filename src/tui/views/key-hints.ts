// The key hints on the left of the status bar: what the keys do where the focus is.
import type { SessionStatus } from '../../core/protocol.js';
import { fitText } from '../styled-text.js';
import type { Focus, KeyHint } from './bars.js';

export interface HintState {
  focus: Focus;
  /** The configured keys as shown: Ctrl+B, Tab, Ctrl+Q, Ctrl+C. */
  labels: { background: string; focusNext: string; quit: string; interrupt: string };
  /** `resumes`: Enter resumes an agent CLI's session (rather than continuing a worker's conversation). */
  attached?: { name: string; ended: boolean; continuable?: boolean; resumes?: boolean };
  diffOpen: boolean;
  session: SessionStatus;
}

export function keyHints({ focus, labels, attached, diffOpen, session }: HintState): KeyHint[] {
  if (focus === 'agent') {
    if (attached?.continuable) {
      return [{ key: 'Enter', label: fitText(`${attached.resumes ? 'resume' : 'continue'} ${attached.name}`, 30) }, { key: labels.background, label: 'back to chat' }];
    }
    if (attached?.ended) return [{ key: 'any key', label: 'back to chat' }];
    return [
      { key: labels.background, label: 'back to chat' },
      { key: '', label: fitText(`keys go to ${attached?.name ?? ''}`, 30) },
      { key: 'Shift+PgUp', label: 'history' },
    ];
  }
  if (focus === 'compare') {
    if (diffOpen) return [{ key: 'PgUp/PgDn', label: 'scroll' }, { key: '↑↓', label: 'file' }, { key: '←→', label: 'attempt' }, { key: 'Esc', label: 'close diff' }];
    return [{ key: '↑↓', label: 'file' }, { key: 'Enter', label: 'diff' }, { key: '←→', label: 'attempt' }, { key: 'Esc', label: 'back' }];
  }
  if (focus === 'spend') return [{ key: 'Esc', label: 'back' }, { key: labels.focusNext, label: 'agents' }, { key: labels.quit, label: 'quit' }];
  if (focus === 'list') {
    return [{ key: '↑↓', label: 'select' }, { key: 'Enter', label: 'attach' }, { key: labels.focusNext, label: 'chat' }, { key: labels.quit, label: 'quit' }];
  }
  if (session.foreground) return [{ key: labels.background, label: `${session.foreground} to background` }, { key: labels.interrupt, label: 'stop' }];
  if (session.busy) return [{ key: labels.interrupt, label: 'interrupt' }, { key: labels.focusNext, label: 'agents' }, { key: labels.quit, label: 'quit' }];
  return [{ key: labels.focusNext, label: 'agents' }, { key: '/help', label: 'commands' }, { key: labels.quit, label: 'quit' }];
}
