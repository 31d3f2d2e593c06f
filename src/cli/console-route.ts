// While the screen is up, anything a library prints with console.* would be drawn over it
// (the SDK warns about deprecated models this way): show it in the chat instead.
import { format } from 'node:util';
import { printableLines } from '../core/printable.js';

export function routeConsoleToChat(notice: (text: string) => void): void {
  const route = (...args: unknown[]) => notice(printableLines(format(...args), ' ').trim());
  console.log = route;
  console.info = route;
  console.warn = route;
  console.error = route;
  console.debug = () => undefined;
}
