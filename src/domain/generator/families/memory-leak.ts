import { fix, line, loudCaller, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const memoryLeak: Family = {
  id: 'memory_leak',
  title: 'Memory leak',
  rootTiers: ['api', 'worker'],
  build(ctx) {
    const { root, rng } = ctx;
    const limit = rng.pick([1, 2, 4]);
    const restarts = rng.int(5, 14);
    const jvm = ctx.split === 'train';
    const caller = loudCaller(ctx);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`rolling_restart_${root.name}`, `Restart ${root.name} pods one at a time to reclaim memory`, `${root.name} pods restarted one by one with fresh heaps; OOM kills stop.`, 8),
      wrongFixes: [
        scaleUp(root, `More ${root.name} pods; each leaks at the same rate and they are OOM-killed in turn.`),
        fix(`increase_timeouts_${caller.name}`, `Raise ${caller.name}'s client timeouts`, `${caller.name} waits longer for ${root.name}; latency gets worse and errors stay.`),
      ],
      rootOverview: { error_rate: rng.int(12, 30) / 100, latency_p99_ms: rng.int(2000, 5000), cpu_pct: rng.int(75, 95) },
      rootDetail: { memory_mb: limit * 1024 - rng.int(5, 40), memory_limit_mb: limit * 1024, restarts_last_hour: restarts, gc_pause_p99_ms: rng.int(1500, 4000) },
      rootLogs: jvm
        ? [
            line(-20, 'WARN', `heap after full GC: 91% of ${limit}G (old gen not reclaimed)`),
            line(-3, 'WARN', `GC pause (G1 Evacuation Pause) ${rng.int(1500, 4000)}ms`),
            line(0, 'ERROR', `container ${root.name} OOMKilled (limit ${limit}Gi); restart count ${restarts}`),
            line(1, 'ERROR', 'java.lang.OutOfMemoryError: Java heap space at RequestContextCache.put'),
          ]
        : [
            line(-20, 'WARN', `process RSS ${(limit * 0.9).toFixed(1)}GiB and growing ~40MiB/min`),
            line(-3, 'WARN', `event loop lag ${rng.int(800, 2500)}ms during major GC`),
            line(0, 'ERROR', `container ${root.name} OOMKilled (limit ${limit}Gi); restart count ${restarts}`),
            line(1, 'ERROR', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'),
          ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: pods restarting (OOMKilled ${restarts}x in 1h)` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `call to ${callee.name} failed: connection reset (pod restarting)` }),
      callerImpact: { error_rate: rng.int(10, 25) / 100, latency_ms: rng.int(1500, 4000) },
      mechanism: `${root.name} leaks memory in a request cache that never evicts; pods grow to their ${limit}Gi limit and are OOM-killed, failing in-flight requests.`,
      trigger: `a request-context cache added to ${root.name} holds every request object.`,
      concepts: {
        mechanism: [['memory', 'heap', 'rss'], ['leak', 'leaking', 'grows', 'growing', 'never evict'], ['oom', 'oomkilled', 'out of memory', 'killed']],
        trigger: [['cache', 'request context', 'never evict']],
        remediation: [['restart', 'restarted', 'rolling']],
      },
    };
  },
};
