import { dependencyOf, faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const featureFlag: Family = {
  id: 'feature_flag_rollout',
  title: 'Bad feature-flag rollout',
  rootTiers: ['api'],
  variants: [{ id: 'divide_by_zero' }, { id: 'query_per_item', splits: ['test'] }],
  claim: [['flag', 'feature toggle']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const flag = say(split, rng.pick(['new-pricing-engine', 'async-checkout', 'smart-ranking']), rng.pick(['v2-quote-calculator', 'batched-writes', 'geo-routing']));
    const input = rng.pick(['JPY', 'an empty basket', 'a zero quantity']);
    const crash = ctx.variant === 'divide_by_zero';
    // An N+1 path queries the service's database per item, or calls a dependency per item where it has none.
    const db = dependencyOf(ctx, root, 'db');
    const dep = db ? null : (ctx.topo.byName.get(root.depends_on[0] ?? '') ?? null);
    const perRequest = db ? 'db_queries_per_request' : 'outbound_calls_per_request';
    const what = db ? 'queries' : `calls to ${dep?.name ?? 'its dependencies'}`;
    return {
      ...faultOf(this, ctx),
      remedy: remedy('disable_flag', root),
      decoys: [remedy('rollback', root), remedy('restart', root), remedy('scale_out', root)],
      rootOverview: crash ? { error_rate: rng.int(20, 45) / 100 } : { error_rate: rng.int(6, 15) / 100, latency_p99_ms: rng.int(3000, 8000) },
      rootDetail: crash ? { flag_changes_last_hour: 1, http_5xx_per_min: rng.int(400, 3000) } : { flag_changes_last_hour: 1, [perRequest]: rng.int(150, 600) },
      after: crash ? { flag_changes_last_hour: 2, http_5xx_per_min: rng.int(0, 5) } : { flag_changes_last_hour: 2, [perRequest]: rng.int(4, 9) },
      rootLogs: [
        key(-3, 'INFO', say(split, `feature flag "${flag}" changed: 5% -> 100% (by release-bot)`, `flag ${flag} rollout percentage updated 5 -> 100 (release-bot)`)),
        crash
          ? ongoing(() => key(0, 'ERROR', say(split, `ArithmeticException: / by zero at ${flag.replace(/-/g, '')}.Calculator.apply while handling ${input}`, `RangeError: division by zero in ${flag} handler (input: ${input})`)))
          : ongoing(() => key(0, 'WARN', say(split, `request GET /v1/${root.domain} executed ${rng.int(150, 600)} ${what} (N+1 in ${flag} path)`, `path=/api/${root.domain} ${db ? 'db_queries' : `calls_to_${dep?.name ?? 'upstream'}`}=${rng.int(150, 600)} duration_ms=${rng.int(3000, 8000)} flag=${flag}`))),
        ongoing(() => line(1, 'ERROR', say(split, `GET /v1/${root.domain} ${crash ? 500 : 504} (flag ${flag}=on)`, `method=GET path=/api/${root.domain} status=${crash ? 500 : 504} flag=${flag}`))),
      ],
      rootAlert: { metric: 'error_rate', op: '>', threshold: 0.05, severity: 'CRITICAL', label: 'error rate above SLO' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `${callee.name} returned ${crash ? 500 : 504} for GET /v1/${callee.domain}`, `call ${callee.name} path=/api/${callee.domain} status=${crash ? 500 : 504}`) }),
      callerImpact: { error_rate: rng.int(12, 30) / 100, latency_ms: crash ? rng.int(30, 300) : rng.int(2000, 5000) },
      mechanism: crash ? `feature flag "${flag}" went from 5% to 100% on ${root.name}; its new code path divides by zero on ${input}, failing those requests.` : `feature flag "${flag}" went from 5% to 100% on ${root.name}; its new code path makes one ${db ? 'database query' : `call to ${dep?.name ?? 'a dependency'}`} per item (N+1), so requests time out.`,
      trigger: `the flag "${flag}" rollout to 100%.`,
      concepts: {
        mechanism: [['flag', flag], crash ? ['division by zero', 'divide by zero', 'exception', 'bug', 'code path'] : ['n+1', 'n 1', 'query per item', 'queries', 'call per item', 'calls', 'code path']],
        trigger: [['100%', 'rollout', 'enabled', 'flag change']],
        remediation: [['disable', 'disabled', 'turned off', 'turn off', 'flag off']],
      },
    };
  },
};
