import { bruteForceAgent, noopAgent, randomAgent } from './baselines.js';
import { oracleAgent } from './oracle.js';
import type { AgentSpec } from './types.js';

export * from './types.js';
export { bruteForceAgent, noopAgent, oracleAgent, randomAgent };

export const AGENTS: Record<string, AgentSpec> = {
  oracle: oracleAgent,
  random: randomAgent,
  noop: noopAgent,
  'brute-force': bruteForceAgent,
};
