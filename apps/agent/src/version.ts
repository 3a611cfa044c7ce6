/** Reported in hello and enrollment; keep in step with the root package.json. */
export const AGENT_VERSION = '0.1.0';
