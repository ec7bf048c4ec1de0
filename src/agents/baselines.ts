/** Reference agents that know nothing: random, do-nothing, and the blind brute force. */
import { createRng } from '../domain/generator/rng.js';
import type { Action } from '../domain/index.js';
import { targetsOf, type AgentSpec } from './types.js';

const WORDS = ['service', 'error', 'latency', 'restart', 'database', 'cache', 'deploy', 'network', 'memory', 'timeout', 'the', 'was', 'and', 'incident'];

export const randomAgent: AgentSpec = {
  name: 'random',
  description: 'Picks uniformly among the available actions',
  create({ seed }) {
    const rng = createRng(`random-agent|${seed}`);
    return {
      act(obs) {
        const entry = rng.pick(obs.available_actions);
        const at = entry.indexOf(':');
        const kind = at < 0 ? entry : entry.slice(0, at);
        if (kind === 'postmortem') {
          return { action_type: 'postmortem', target: '', details: Array.from({ length: rng.int(5, 40) }, () => rng.pick(WORDS)).join(' ') };
        }
        return { action_type: kind as Action['action_type'], target: at < 0 ? '' : entry.slice(at + 1) };
      },
    };
  },
};

export const noopAgent: AgentSpec = {
  name: 'noop',
  description: 'Does nothing, every step',
  create: () => ({ act: () => ({ action_type: 'no_op', target: '' }) }),
};

/** Every keyword a grader could look for, with no diagnosis behind it. */
export const STUFFED =
  'root cause memory oom connection limit exhausted certificate expired deploy rollback flag disk full lag replica dns ' +
  'secret rotation clock skew throttling rate limit outage poison message restart flush failover alert monitor';

export const bruteForceAgent: AgentSpec = {
  name: 'brute-force',
  description: 'Investigates nothing; pages every team, applies every fix, then submits a keyword-stuffed postmortem',
  create() {
    let queue: Action[] | null = null;
    return {
      act(obs) {
        queue ??= [
          ...targetsOf(obs, 'escalate').map((t): Action => ({ action_type: 'escalate', target: t })),
          ...targetsOf(obs, 'apply_fix').map((t): Action => ({ action_type: 'apply_fix', target: t })),
          { action_type: 'postmortem', target: '', details: STUFFED },
        ];
        return queue.shift() ?? { action_type: 'no_op', target: '' };
      },
    };
  },
};
