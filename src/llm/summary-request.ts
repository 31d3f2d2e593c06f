// One model request for a summary of a conversation (compaction): its text only — a tool call the
// model makes instead is not run.
import { ModelError, type ModelClient, type TurnEvent, type TurnRequest } from './types.js';

/** Streams `request` and returns the summary it wrote; throws ModelError, also when it wrote none. */
export async function requestSummary(client: ModelClient, request: TurnRequest, signal: AbortSignal, observe: (event: TurnEvent) => void): Promise<string> {
  let text = '';
  for await (const event of client.stream(request, signal)) {
    observe(event);
    if (event.type === 'retry') text = '';
    if (event.type === 'text') text += event.text;
  }
  if (!text.trim()) throw new ModelError('the model wrote no summary', 'request');
  return text.trim();
}
