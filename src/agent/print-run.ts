// `agentmux print-run -- PROGRAM ARGS…`: runs an agent CLI once without its screen (Claude Code
// `-p … --output-format stream-json`) and shows its stream as a worker's screen shows its work —
// text, one line per tool call, shortened results, the final result — never the raw JSON. It reports
// to agentmux over its private channel (core/report-channel.ts), as a worker does: running, each
// tool as activity, the usage of each response, and the result. Exits with the program's code.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CHANNEL_ENV } from '../core/report-channel.js';
import { streamEvents, type StreamEvent } from '../core/stream-json.js';
import { addUsage, contextTokens, ZERO_USAGE, type Usage } from '../core/usage.js';
import { ChannelClient } from './channel-client.js';
import { sanitize } from './sanitize.js';
import { Screen } from './screen.js';

export const PRINT_RUN_USAGE = 'usage: agentmux print-run -- PROGRAM ARGS…';

/** What the run has reported: the usage of each response (by id) and the result. */
class RunState {
  readonly responses = new Map<string, { model: string; usage: Usage }>();
  last: { model: string; usage: Usage } | undefined;
  result: { ok: boolean; text: string } | undefined;

  meter() {
    if (!this.last) return undefined;
    const total = [...this.responses.values()].reduce((sum, response) => addUsage(sum, response.usage), { ...ZERO_USAGE });
    return { model: this.last.model, total, contextTokens: contextTokens(this.last.usage) };
  }
}

function oneLine(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return sanitize(text).replace(/\s+/g, ' ').trim();
}

/** A tool call's input, briefly: its command, path or pattern, else its JSON. */
function toolSummary(input: unknown): string {
  if (input && typeof input === 'object') {
    const fields = input as Record<string, unknown>;
    for (const key of ['command', 'file_path', 'path', 'pattern', 'url', 'description']) if (typeof fields[key] === 'string') return oneLine(fields[key]);
  }
  return oneLine(input);
}

export async function printRunMain(argv: string[], env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream & { columns?: number }): Promise<number> {
  const color = env.NO_COLOR === undefined || env.NO_COLOR === '';
  const screen = new Screen({ write: (text) => stdout.write(text), columns: () => stdout.columns ?? 80 }, color);
  const [dashes, program, ...args] = argv;
  if (dashes !== '--' || !program) {
    screen.line(`agentmux print-run: ${PRINT_RUN_USAGE}`, 'red');
    return 2;
  }
  const channelPath = env[CHANNEL_ENV];
  delete env[CHANNEL_ENV];
  const opened = channelPath ? await ChannelClient.open(channelPath) : { error: `${CHANNEL_ENV} is not set: agentmux starts print runs (/new KIND --print)` };
  if ('error' in opened) {
    screen.line(`agentmux print-run: ${sanitize(opened.error)}`, 'red');
    return 2;
  }
  const { channel } = opened;
  const state = new RunState();
  const lastMeter = { key: '' };
  const show = (event: StreamEvent): void => {
    switch (event.kind) {
      case 'init':
        screen.line(`${oneLine(program)} · ${event.model ? `model ${oneLine(event.model)}` : 'model unknown'}${event.session ? ` · session ${oneLine(event.session)}` : ''}`, 'bold');
        break;
      case 'text':
        screen.stream(event.text);
        break;
      case 'tool': {
        const summary = toolSummary(event.input);
        screen.toolLine(oneLine(event.name), summary);
        channel.report({ type: 'activity', text: `${oneLine(event.name)} ${summary}`.slice(0, 200) });
        break;
      }
      case 'tool-result':
        screen.toolResult(event.text, event.isError);
        break;
      case 'usage': {
        state.responses.set(event.id, { model: event.model, usage: event.usage });
        state.last = { model: event.model, usage: event.usage };
        const meter = state.meter();
        const key = JSON.stringify(meter);
        if (meter && key !== lastMeter.key) {
          lastMeter.key = key;
          channel.report({ type: 'usage', meter });
        }
        break;
      }
      case 'result':
        state.result = { ok: event.ok, text: event.text };
        screen.line(event.ok ? '── finished ──' : `── failed: ${oneLine(event.text)}`, event.ok ? 'bold' : 'red');
        break;
    }
  };

  channel.report({ type: 'state', state: 'running' });
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exit = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      screen.line(`cannot run ${oneLine(program)}: ${oneLine(error.message)}`, 'red');
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    for (const event of streamEvents(line)) show(event);
  });
  createInterface({ input: child.stderr }).on('line', (line) => screen.line(line, 'dim'));
  const code = await exit;
  const result = state.result;
  channel.report(result && result.ok && code === 0
    ? { type: 'result', outcome: 'finished', text: result.text }
    : { type: 'result', outcome: 'failed', text: result && !result.ok ? result.text || `${program} failed` : `${program} exited with code ${code} without a result` });
  await channel.close();
  return code;
}
