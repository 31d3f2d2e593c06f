// Commit messages agentmux writes: they always name the agent.

import { agentBranch } from './refs.js';

function split(text: string): { subject: string; body: string } {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  return { subject: lines[0].trim(), body: lines.slice(1).join('\n').trim() };
}

function compose(subject: string, body: string, trailers: string[]): string {
  return [subject, body, trailers.join('\n')].filter(Boolean).join('\n\n') + '\n';
}

/** For `commitPending`: "agent NAME: MESSAGE". */
export function pendingMessage(name: string, message: string): string {
  const { subject, body } = split(message);
  return compose(`agent ${name}: ${subject}`, body, [`Agent: ${name}`]);
}

/** For `merge`: "Merge agent NAME: TASK" (or "Squash …"), with the branch and base as trailers. */
export function mergeMessage(name: string, message: string, squash: boolean, base: string): string {
  const { subject, body } = split(message);
  const verb = squash ? 'Squash' : 'Merge';
  return compose(`${verb} agent ${name}: ${subject}`, body, [`Agent: ${name}`, `Branch: ${agentBranch(name)}`, `Base: ${base}`]);
}

/** Rejects an empty message; returns why, or undefined. */
export function messageError(message: unknown): string | undefined {
  if (typeof message !== 'string' || message.trim() === '') return 'the commit message is empty: say what the agent did (its task)';
  if (message.includes('\0')) return 'the commit message contains a NUL character';
  return undefined;
}
