import { bruteForceAgent, noopAgent, randomAgent } from './baselines.js';
import { oracleAgent } from './oracle.js';
import { ruleAgent } from './rule.js';
import type { AgentSpec } from './types.js';

export * from './types.js';
export { bruteForceAgent, noopAgent, oracleAgent, randomAgent, ruleAgent };

export const AGENTS: Record<string, AgentSpec> = {
  rule: ruleAgent,
  oracle: oracleAgent,
  random: randomAgent,
  noop: noopAgent,
  'brute-force': bruteForceAgent,
};
