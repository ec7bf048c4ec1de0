import { faultOf, key, line, loudCaller, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const thirdPartyOutage: Family = {
  id: 'third_party_outage',
  title: 'Third-party provider outage',
  rootTiers: ['thirdparty'],
  variants: [{ id: 'provider_5xx' }, { id: 'regional_timeouts', splits: ['test'] }],
  claim: [['provider', 'vendor', 'third party', 'external'], ['outage', 'unavailable', '503', 'down', 'timeouts', 'timing out', 'timed out', 'degraded']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const caller = loudCaller(ctx);
    const vendor = root.name.split('-')[0]!;
    const fivexx = ctx.variant === 'provider_5xx';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('failover', root),
      decoys: [remedy('renew_credentials', root), remedy('restart', caller), remedy('scale_out', caller)],
      rootOverview: { error_rate: rng.int(60, 95) / 100, latency_p99_ms: rng.int(5000, 30000) },
      rootDetail: { upstream_2xx_ratio: rng.int(5, 30) / 100, circuit_open: 1, retries_per_min: rng.int(2000, 9000) },
      after: { circuit_open: 0 },
      rootLogs: [
        fivexx
          ? key(0, 'ERROR', say(split, `POST https://api.${vendor}.com/v1/requests -> 503 Service Unavailable (attempt 3/3)`, `outbound call failed status=503 host=api.${vendor}.com attempts=3`))
          : key(0, 'ERROR', say(split, `POST https://api.${vendor}.com/v1/requests timed out after 10000ms (attempt 3/3)`, `outbound call failed err="context deadline exceeded" host=eu.api.${vendor}.com attempts=3`)),
        line(1, 'WARN', say(split, `circuit breaker for ${vendor} OPEN after ${rng.int(50, 200)} consecutive failures`, `breaker ${vendor}: state=open failures=${rng.int(50, 200)}`)),
        key(2, 'INFO', say(split, `${vendor} status page: "Investigating elevated error rates"`, `${vendor} status feed: "Degraded performance in one region"`)),
      ],
      rootAlert: { metric: 'upstream_2xx_ratio', op: '<', threshold: 0.9, severity: 'WARNING', label: 'provider success ratio low' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `call through ${callee.name} failed: ${vendor} ${fivexx ? 'unavailable (503)' : 'timed out'}`, `${callee.name} error: upstream ${vendor} ${fivexx ? 'status=503' : 'deadline exceeded'}`) }),
      callerImpact: { error_rate: rng.int(20, 50) / 100, latency_ms: rng.int(1000, 8000) },
      mechanism: `the external provider ${vendor} behind ${root.name} is ${fivexx ? 'returning 503s' : 'timing out in one region'}, so every call through it fails.`,
      trigger: `an outage at ${vendor}.`,
      concepts: {
        mechanism: [[vendor, 'provider', 'vendor', 'third party', 'external'], ['503', 'outage', 'unavailable', 'down', 'timing out', 'timeouts', 'degraded']],
        trigger: [['outage', 'status page', vendor, 'region']],
        remediation: [['failover', 'fail over', 'secondary', 'switch']],
      },
    };
  },
};
