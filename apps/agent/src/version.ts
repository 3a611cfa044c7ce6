import { CURRENT_AGENT_VERSION } from '@farmhand/protocol';

/** Reported in hello and enrollment: the release of the tree this agent was built from (see `@farmhand/protocol`). */
export const AGENT_VERSION: string = CURRENT_AGENT_VERSION;
