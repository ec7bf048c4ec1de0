import { fix, line, restart, rollback, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const featureFlag: Family = {
  id: 'feature_flag_rollout',
  title: 'Bad feature-flag rollout',
  rootTiers: ['api'],
  build(ctx) {
    const { root, rng } = ctx;
    const flag = ctx.split === 'train' ? rng.pick(['new-pricing-engine', 'async-checkout', 'smart-ranking']) : rng.pick(['v2-quote-calculator', 'batched-writes', 'geo-routing']);
    const input = rng.pick(['JPY', 'an empty basket', 'a zero quantity']);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`disable_flag_${root.name}`, `Turn off the last feature flag enabled on ${root.name}`, `Flag "${flag}" set back to 0%; ${root.name} serves the old code path and errors stop.`, 3),
      wrongFixes: [
        rollback(root, `${root.name} rolled back; the flag lives in the flag service, stays on, and the errors continue.`),
        restart(root, `${root.name} restarted; the flag is still at 100%.`),
        scaleUp(root, `More ${root.name} pods, all with "${flag}" on; errors unchanged.`),
      ],
      rootOverview: { error_rate: rng.int(20, 45) / 100 },
      rootDetail: { flag_changes_last_hour: 1 },
      rootLogs: [
        line(-3, 'INFO', `feature flag "${flag}" changed: 5% -> 100% (by release-bot)`),
        line(0, 'ERROR', `${flag}: ArithmeticException: division by zero while handling ${input}`),
        line(1, 'ERROR', `GET /v1/${root.domain} 500 (flag ${flag}=on)`),
      ],
      rootAlert: { severity: 'CRITICAL', text: `${root.name}: HTTP 5xx rate high` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `${callee.name} returned 500 for GET /v1/${callee.domain}` }),
      callerImpact: { error_rate: rng.int(12, 30) / 100, latency_ms: rng.int(30, 300) },
      mechanism: `feature flag "${flag}" went from 5% to 100% on ${root.name}; its new code path divides by zero on ${input}, failing those requests.`,
      trigger: `the flag "${flag}" rollout to 100%.`,
      concepts: {
        mechanism: [['flag', flag], ['division by zero', 'divide by zero', 'exception', 'bug', 'code path']],
        trigger: [['100%', 'rollout', 'enabled', 'flag change']],
        remediation: [['disable', 'disabled', 'turned off', 'turn off', 'flag off']],
      },
    };
  },
};
