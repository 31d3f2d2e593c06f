// While the screen is up, anything a library prints with console.* would be drawn over it
// (the SDK warns about deprecated models this way): show it in the chat instead.
import { format } from 'node:util';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function routeConsoleToChat(notice: (text: string) => void): void {
  const route = (...args: unknown[]) => notice(format(...args).replace(CONTROL, ' ').trim());
  console.log = route;
  console.info = route;
  console.warn = route;
  console.error = route;
  console.debug = () => undefined;
}
