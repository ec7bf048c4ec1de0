import { bruteForceAgent, noopAgent, randomAgent } from './baselines.js';
import { oracleAgent } from './oracle.js';
import { ruleAgent } from './rule.js';
import { fixMenuAgent, keywordStufferAgent, loudestAlertAgent, rewardProberAgent, stateProberAgent } from './shortcuts.js';
import type { AgentSpec } from './types.js';

export * from './types.js';
export { bruteForceAgent, noopAgent, oracleAgent, randomAgent, ruleAgent };

export const AGENTS: Record<string, AgentSpec> = {
  rule: ruleAgent,
  oracle: oracleAgent,
  random: randomAgent,
  noop: noopAgent,
  'brute-force': bruteForceAgent,
  'reward-prober': rewardProberAgent,
  'fix-menu': fixMenuAgent,
  'loudest-alert': loudestAlertAgent,
  'keyword-stuffer': keywordStufferAgent,
  'state-prober': stateProberAgent,
};

/** The shortcut panel: agents that try to score without evidence. */
export const SHORTCUT_AGENTS = ['reward-prober', 'fix-menu', 'loudest-alert', 'keyword-stuffer', 'state-prober'] as const;
