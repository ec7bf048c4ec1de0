import { fix, line, restart, rollback } from '../kit.js';
import type { Family } from '../types.js';

export const cpuThrottling: Family = {
  id: 'cpu_throttling',
  title: 'CPU throttling from a noisy neighbour',
  rootTiers: ['api', 'auth'],
  build(ctx) {
    const { root, rng } = ctx;
    const limit = rng.pick([250, 500, 1000]);
    const throttled = rng.int(60, 90);
    const node = ctx.split === 'train' ? `ip-10-1-${rng.int(1, 9)}-${rng.int(10, 99)}` : `worker-pool-b-${rng.int(10, 99)}`;
    const neighbour = ctx.split === 'train' ? 'video-transcoder' : 'ml-batch-scorer';
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`raise_cpu_limit_${root.name}`, `Raise ${root.name}'s CPU limit and move it off node ${node}`, `${root.name} rescheduled with a ${limit * 4}m CPU limit; throttling stops and latency drops.`),
      wrongFixes: [
        restart(root, `${root.name} restarted onto the same node ${node}; throttling resumes.`),
        rollback(root, `${root.name} rolled back; the code was never the problem and throttling continues.`),
      ],
      rootOverview: { error_rate: rng.int(5, 15) / 100, latency_p99_ms: rng.int(2500, 6000), cpu_pct: 100 },
      rootDetail: { cpu_throttled_pct: throttled, cpu_limit_millicores: limit, node_steal_pct: rng.int(25, 50) },
      rootLogs: [
        line(-12, 'INFO', `pod ${neighbour}-${rng.int(100, 999)} scheduled on node ${node} (no CPU limit set)`),
        line(-2, 'WARN', `cpu throttled in ${throttled}% of CFS periods (limit ${limit}m) on node ${node}`),
        line(0, 'WARN', `request queue wait ${rng.int(1200, 4000)}ms; worker threads starved`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: p99 latency above SLO` },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: `${callee.name} slow: p99 ${rng.int(2500, 6000)}ms, client timeouts` }),
      callerImpact: { error_rate: rng.int(8, 20) / 100, latency_ms: rng.int(2000, 5000) },
      mechanism: `${root.name} was CPU-throttled (${throttled}% of periods at a ${limit}m limit) because a noisy neighbour, ${neighbour}, landed on node ${node}.`,
      trigger: `${neighbour} was scheduled on the same node without a CPU limit.`,
      concepts: {
        mechanism: [['cpu', 'throttl'], ['noisy neighbour', 'noisy neighbor', 'neighbour', 'neighbor', 'steal', neighbour]],
        trigger: [['scheduled', 'no cpu limit', neighbour, 'node']],
        remediation: [['cpu limit', 'raise', 'raised', 'reschedul', 'moved']],
      },
    };
  },
};
