// Keeps the spend view's report fresh: asks the server once when `/cost` opens the view, then again
// whenever a meter this screen knows of changes while it is open. One question at a time: changes
// that come while an answer is on its way make one more question after it.
import type { ServerEvent } from '../core/protocol.js';
import type { ClientModel } from './client-model.js';

export class SpendWatch {
  private isOpen = false;
  private asking = false;
  private stale = false;
  private meters = '';

  constructor(private readonly ask: () => void) {}

  get open(): boolean {
    return this.isOpen;
  }

  start(model: ClientModel): void {
    this.isOpen = true;
    this.meters = metersOf(model);
    this.refresh();
  }

  stop(): void {
    this.isOpen = false;
    this.stale = false;
  }

  /** A server event was applied to `model`. */
  seen(event: ServerEvent, model: ClientModel): void {
    if (event.type === 'spend') {
      this.asking = false;
      if (this.stale && this.isOpen) {
        this.stale = false;
        this.refresh();
      }
      return;
    }
    if (!this.isOpen || !(event.type === 'agent' || event.type === 'session' || event.type === 'removed' || event.type === 'welcome')) return;
    const meters = metersOf(model);
    if (meters === this.meters) return;
    this.meters = meters;
    this.refresh();
  }

  private refresh(): void {
    if (this.asking) {
      this.stale = true;
      return;
    }
    this.asking = true;
    this.ask();
  }
}

function metersOf(model: ClientModel): string {
  return JSON.stringify([model.session.mainUsage, model.agents.map((agent) => [agent.name, agent.usage])]);
}
