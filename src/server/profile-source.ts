// Where the server finds agent profiles (store/agent-profiles.ts on disk; a fake in tests).
import type { AgentProfile } from '../core/agent-profile.js';
import type { ProfileEntry } from '../core/profile-listing.js';

export interface ProfileSource {
  /** The places looked in, as shown to the user. */
  readonly searched: string[];
  /** Every profile found, the malformed ones with their error. */
  list(): Promise<ProfileEntry[]>;
  /** Profile `name`, or one line saying why there is none to use. */
  find(name: string): Promise<AgentProfile | string>;
}

export const NO_PROFILES = 'agent profiles are not available in this session';
