// Bell and OSC 9 desktop notification: the only bytes agentmux writes to the terminal
// outside blessed. The text is ours (validated names, fixed words) except a failed
// agent's last line, which is printable text from the emulator, cleaned again here.
import { printable } from '../core/printable.js';
import { describeFlash, type Flash } from '../core/protocol.js';

export interface NotifyOptions {
  bell: boolean;
  osc9: boolean;
}

export function notificationBytes(flash: Flash, options: NotifyOptions): string {
  let out = '';
  if (options.bell) out += '\x07';
  if (options.osc9) out += `\x1b]9;agentmux: ${printable(describeFlash(flash))}\x1b\\`;
  return out;
}
