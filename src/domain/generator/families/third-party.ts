import { fix, line, loudCaller, restart, rollback, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const thirdPartyOutage: Family = {
  id: 'third_party_outage',
  title: 'Third-party provider outage',
  rootTiers: ['thirdparty'],
  build(ctx) {
    const { root, rng } = ctx;
    const caller = loudCaller(ctx);
    const vendor = root.name.split('-')[0]!;
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`failover_provider_${root.name}`, `Switch ${root.name} to the secondary provider`, `${root.name} now routes to the secondary provider; calls succeed.`, 5),
      wrongFixes: [
        restart(caller, `${caller.name} restarted; ${vendor} still answers 503.`),
        scaleUp(caller, `${caller.name} scaled out; more callers now wait on ${vendor}.`),
        rollback(caller, `${caller.name} rolled back; ${vendor} is still down.`),
      ],
      rootOverview: { error_rate: rng.int(60, 95) / 100, latency_p99_ms: rng.int(5000, 30000) },
      rootDetail: { upstream_2xx_ratio: rng.int(5, 30) / 100, circuit_open: 1, retries_per_min: rng.int(2000, 9000) },
      rootLogs: [
        line(0, 'ERROR', `POST https://api.${vendor}.com/v1/requests -> 503 Service Unavailable (attempt 3/3)`),
        line(1, 'WARN', `circuit breaker for ${vendor} OPEN after ${rng.int(50, 200)} consecutive failures`),
        line(2, 'INFO', `${vendor} status page: "Investigating elevated error rates in us-east"`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: ${vendor} API error rate high` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `call through ${callee.name} failed: ${vendor} unavailable (503)` }),
      callerImpact: { error_rate: rng.int(20, 50) / 100, latency_ms: rng.int(1000, 8000) },
      mechanism: `the external provider ${vendor} behind ${root.name} is returning 503s, so every call through it fails.`,
      trigger: `an outage at ${vendor}.`,
      concepts: {
        mechanism: [[vendor, 'provider', 'vendor', 'third party', 'external'], ['503', 'outage', 'unavailable', 'down']],
        trigger: [['outage', 'status page', vendor]],
        remediation: [['failover', 'fail over', 'secondary', 'switch']],
      },
    };
  },
};
