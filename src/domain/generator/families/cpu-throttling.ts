import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const cpuThrottling: Family = {
  id: 'cpu_throttling',
  title: 'CPU throttling',
  rootTiers: ['api', 'auth'],
  maskable: true,
  variants: [{ id: 'noisy_neighbour' }, { id: 'limit_lowered', splits: ['test'] }],
  claim: [['cpu'], ['throttl', 'noisy neighbour', 'noisy neighbor', 'cfs', 'steal']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const limit = rng.pick([250, 500, 1000]);
    const throttled = rng.int(60, 90);
    const node = say(split, `ip-10-1-${rng.int(1, 9)}-${rng.int(10, 99)}`, `worker-pool-b-${rng.int(10, 99)}`);
    const neighbour = say(split, 'video-transcoder', 'ml-batch-scorer');
    const noisy = ctx.variant === 'noisy_neighbour';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('reschedule', root),
      decoys: [remedy('restart', root), remedy('scale_out', root), remedy('rollback', root)],
      rootOverview: { error_rate: rng.int(5, 15) / 100, latency_p99_ms: rng.int(2500, 6000), cpu_pct: 100 },
      rootDetail: { cpu_throttled_pct: throttled, cpu_limit_millicores: noisy ? limit : limit / 4, node_steal_pct: noisy ? rng.int(25, 50) : rng.int(0, 3) },
      after: { cpu_limit_millicores: limit * 4, node_steal_pct: rng.int(0, 3), cpu_throttled_pct: rng.int(0, 3) },
      latent: { cpu_limit_millicores: noisy ? limit : limit / 4, cpu_throttled_pct: rng.int(2, 6) },
      rootLogs: [
        noisy
          ? line(-12, 'INFO', say(split, `pod ${neighbour}-${rng.int(100, 999)} scheduled on node ${node} (no CPU limit set)`, `node ${node}: new workload ${neighbour} admitted without resource limits`))
          : line(-12, 'INFO', say(split, `resources updated by policy bot: cpu limit ${limit}m -> ${limit / 4}m`, `limit range applied: cpu=${limit / 4}m (was ${limit}m)`)),
        key(-2, 'WARN', say(split, `cpu throttled in ${throttled}% of CFS periods (limit ${noisy ? limit : limit / 4}m) on node ${node}`, `nr_throttled/nr_periods=${throttled}% for ${root.name} on ${node}`)),
        ongoing(() => line(0, 'WARN', say(split, `request queue wait ${rng.int(1200, 4000)}ms; worker threads starved`, `handler queue time_ms=${rng.int(1200, 4000)}; runtime scheduler starved`))),
      ],
      rootAlert: { metric: 'latency_p99_ms', op: '>', threshold: 2000, severity: 'WARNING', label: 'p99 latency above SLO' },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: say(split, `${callee.name} slow: p99 ${rng.int(2500, 6000)}ms, client timeouts`, `call ${callee.name} duration_ms=${rng.int(2500, 6000)} err="deadline exceeded"`) }),
      callerImpact: { error_rate: rng.int(8, 20) / 100, latency_ms: rng.int(2000, 5000) },
      mechanism: noisy ? `${root.name} was CPU-throttled (${throttled}% of periods) because a noisy neighbour, ${neighbour}, landed on node ${node}.` : `${root.name} was CPU-throttled (${throttled}% of periods) after a policy change cut its CPU limit to ${limit / 4}m.`,
      trigger: noisy ? `${neighbour} was scheduled on the same node without a CPU limit.` : 'an automated policy lowered the CPU limit.',
      concepts: {
        mechanism: [['cpu', 'throttl'], noisy ? ['noisy neighbour', 'noisy neighbor', 'neighbour', 'neighbor', 'steal', neighbour] : ['limit', 'lowered', 'cut', 'policy']],
        trigger: noisy ? [['scheduled', 'no cpu limit', neighbour, 'node']] : [['policy', 'limit', 'lowered']],
        remediation: [['cpu limit', 'raise', 'raised', 'reschedul', 'moved']],
      },
    };
  },
};
