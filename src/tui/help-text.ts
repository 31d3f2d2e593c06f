// The text /help prints: commands from the parser's own usage table, keys from the bindings.
import { DESCRIPTIONS, USAGE } from '../core/slash-commands.js';
import type { Keymap } from './keymap.js';

export function helpText(keymap: Keymap): string {
  const commands = (Object.keys(USAGE) as Array<keyof typeof USAGE>)
    .map((kind) => `  ${USAGE[kind]}  — ${DESCRIPTIONS[kind]}`);
  const keys = [
    `  ${keymap.label('focusNext')}  — move between the chat input and the agent list`,
    '  ↑/↓ and Enter in the list  — select an agent and bring it to the front',
    `  ${keymap.label('background')}  — send the agent in front back to the background`,
    '  Shift+PgUp/PgDn with an agent in front  — look back through its history',
    `  ${keymap.label('interrupt')}  — clear the input line`,
    `  A dimmed suggestion in the empty line  — Enter sends it, ${keymap.label('focusNext')} or → takes it to edit, typing replaces it`,
    '  PgUp/PgDn  — scroll the chat',
    '  Paste  — several lines show as [Pasted text #N +L lines] and are sent in full',
    '  After /compare: ←/→ attempt, ↑/↓ file, Enter its diff, PgUp/PgDn scroll, Esc back',
    '  After /cost: Esc or q back',
    `  ${keymap.label('quit')}  — quit the screen; agents keep running (agentmux attach comes back)`,
  ];
  return ['Commands:', ...commands, 'Keys:', ...keys, 'Anything else you type goes to the main agent.'].join('\n');
}
