import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';
import { deployLine } from '../voice.js';

export const memoryLeak: Family = {
  id: 'memory_leak',
  title: 'Memory leak',
  rootTiers: ['api', 'worker'],
  variants: [{ id: 'request_cache' }, { id: 'listener_leak', splits: ['test'] }],
  claim: [['memory', 'heap', 'rss'], ['leak', 'leaks', 'leaking', 'grows', 'growing', 'oomkilled', 'oom killed']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const limit = rng.pick([1, 2, 4]);
    const restarts = rng.int(5, 14);
    const jvm = split === 'train';
    const cache = ctx.variant === 'request_cache';
    const version = `v${rng.int(2, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
    return {
      ...faultOf(this, ctx),
      // A leak that came with a release is fixed by rolling it back; restarting only buys time.
      remedy: remedy(cache ? 'restart' : 'rollback', root),
      mitigations: cache ? [] : [remedy('restart', root)],
      // Restarted without the rollback, the new pods leak again: their heap is already climbing back.
      ...(cache ? {} : { eased: { memory_mb: Math.round(limit * 1024 * (rng.int(55, 70) / 100)) } }),
      decoys: [remedy('scale_out', root), remedy(cache ? 'rollback' : 'restart', root)],
      rootOverview: { error_rate: rng.int(12, 30) / 100, latency_p99_ms: rng.int(2000, 5000), cpu_pct: rng.int(75, 95) },
      rootDetail: { memory_mb: limit * 1024 - rng.int(5, 40), memory_limit_mb: limit * 1024, restarts_last_hour: restarts, gc_pause_p99_ms: rng.int(1500, 4000) },
      after: { memory_mb: Math.round(limit * 1024 * 0.35) },
      rootLogs: [
        ...(cache ? [] : [{ at: -45, ...deployLine(rng, root, split, version), key: true }]),
        ...(jvm
        ? [
            key(-20, 'WARN', `heap after full GC: 91% of ${limit}G (old gen not reclaimed)`),
            line(-3, 'WARN', `GC pause (G1 Evacuation Pause) ${rng.int(1500, 4000)}ms`),
            key(0, 'ERROR', `container ${root.name} OOMKilled (limit ${limit}Gi); restart count ${restarts}`),
            ongoing(() => line(1, 'ERROR', cache ? 'java.lang.OutOfMemoryError: Java heap space at RequestContextCache.put' : 'java.lang.OutOfMemoryError: Java heap space at EventBus.register')),
          ]
        : [
            key(-20, 'WARN', `runtime: heap_inuse=${(limit * 0.9).toFixed(1)}GiB and rising ~40MiB/min`),
            line(-3, 'WARN', cache ? `request cache entries=${rng.int(2, 9)}M (no eviction)` : `MaxListenersExceededWarning: ${rng.int(1000, 9000)} 'message' listeners added to [Socket]`),
            key(0, 'ERROR', `instance ${root.name}-${rng.int(1, 3)} killed: memory limit ${limit}GiB exceeded (restarts ${restarts})`),
            ongoing(() => line(1, 'ERROR', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory')),
          ]),
      ],
      rootAlert: { metric: 'restarts_last_hour', op: '>', threshold: 3, severity: 'WARNING', label: 'pods restarting' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `call to ${callee.name} failed: connection reset by peer`, `call ${callee.name} err="EOF" (instance went away mid-request)`) }),
      callerImpact: { error_rate: rng.int(10, 25) / 100, latency_ms: rng.int(1500, 4000) },
      mechanism: `${root.name} leaks memory (${cache ? 'a request cache that never evicts' : 'an event listener registered on every request and never removed'}); pods grow to their ${limit}Gi limit and are OOM-killed, failing in-flight requests.`,
      trigger: cache ? `the request-context cache in ${root.name} never evicts, so every request object stays on the heap until the pod is OOM-killed.` : `release ${version} of ${root.name} registers a listener per request and never removes it.`,
      concepts: {
        mechanism: [['memory', 'heap', 'rss'], ['leak', 'leaking', 'grows', 'growing', 'never evict', 'never removed'], ['oom', 'oomkilled', 'out of memory', 'killed']],
        trigger: cache ? [['cache', 'request context', 'never evict']] : [['listener', 'event', 'never removed'], ['release', 'deploy', version]],
        remediation: cache ? [['restart', 'restarted', 'rolling']] : [['rollback', 'rolled back', 'roll back', 'revert']],
      },
    };
  },
};
