import { faultOf, key, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';
import { deployLine } from '../voice.js';

export const threadPoolExhaustion: Family = {
  id: 'thread_pool_exhaustion',
  title: 'Worker threads exhausted by calls without a timeout',
  rootTiers: ['api'],
  maskable: true,
  variants: [{ id: 'timeout_removed' }, { id: 'sync_call_added', splits: ['test'] }],
  claim: [['thread', 'threads', 'worker pool', 'thread pool', 'goroutines'], ['exhaust', 'blocked', 'no timeout', 'without a timeout', 'hung', 'stuck']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const version = `v${rng.int(2, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
    const threads = rng.pick([64, 128, 200]);
    const removed = ctx.variant === 'timeout_removed';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('rollback', root),
      decoys: [remedy('restart', root), remedy('scale_out', root)],
      rootOverview: { error_rate: rng.int(20, 45) / 100, latency_p99_ms: rng.int(20000, 60000), cpu_pct: rng.int(5, 15) },
      rootDetail: { busy_threads: threads, max_threads: threads, threads_blocked_on_io: threads - rng.int(0, 3) },
      after: { busy_threads: rng.int(8, 30), threads_blocked_on_io: rng.int(0, 5) },
      latent: {},
      rootLogs: [
        { at: -30, ...deployLine(rng, root, split, version) },
        key(-2, 'WARN', say(split, `thread pool exhausted: ${threads}/${threads} busy, ${rng.int(200, 900)} requests queued`, `worker pool saturated in_flight=${threads} limit=${threads} queued=${rng.int(200, 900)}`)),
        key(0, 'WARN', removed ? say(split, `thread dump: ${threads - 2} threads in SocketInputStream.read (no read timeout set)`, `goroutine dump: ${threads - 2} goroutines blocked in net/http.(*persistConn).roundTrip (Timeout: 0)`) : say(split, `thread dump: ${threads - 2} threads waiting in AddressValidator.validate (synchronous call)`, `goroutine dump: ${threads - 2} goroutines blocked in validateAddress (sync HTTP call)`)),
      ],
      rootAlert: { metric: 'latency_p99_ms', op: '>', threshold: 5000, severity: 'WARNING', label: 'p99 latency above SLO' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `call to ${callee.name} timed out after 10000ms`, `call ${callee.name} err="context deadline exceeded" duration_ms=10000`) }),
      callerImpact: { error_rate: rng.int(15, 30) / 100, latency_ms: rng.int(5000, 10000) },
      mechanism: `release ${version} of ${root.name} ${removed ? 'dropped the read timeout on an outbound HTTP client' : 'added a synchronous call with no timeout to an address validator'}; slow responses held every worker thread, so the thread pool was exhausted and requests queued until they failed.`,
      trigger: `the deploy of ${root.name} ${version}.`,
      concepts: {
        mechanism: [['thread', 'threads', 'worker pool', 'thread pool', 'goroutine'], ['exhaust', 'blocked', 'timeout', 'saturat', 'hung']],
        trigger: [['deploy', 'release', 'rollout', version]],
        remediation: [['rollback', 'rolled back', 'roll back', 'revert']],
      },
    };
  },
};
