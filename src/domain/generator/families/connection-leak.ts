import { dependencyOf, faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';
import { deployLine } from '../voice.js';

export const connectionLeak: Family = {
  id: 'connection_leak',
  title: 'Connection leak after a release',
  rootTiers: ['api', 'worker'],
  requires: ['db'],
  variants: [{ id: 'unclosed_transaction' }, { id: 'error_path', splits: ['test'] }],
  claim: [['leak', 'leaks', 'leaked', 'leaking', 'never released', 'not released', 'never returned', 'not returned', 'never closed', 'not closed'], ['connection', 'connections', 'pool']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const db = dependencyOf(ctx, root, 'db')!;
    const version = `v${rng.int(2, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
    // Every instance's pool leaks until it is full: the database holds that many sessions idle in
    // transaction from the service (fewer than its busiest connection count, which is at least 92).
    const fits = [20, 30, 50].filter((size) => size * root.replicas <= 90);
    const pool = fits.length ? rng.pick(fits) : 15;
    const held = rng.int(150, 900);
    const idleTx = pool * root.replicas - rng.int(0, 2);
    const where = ctx.variant === 'unclosed_transaction' ? 'a transaction opened in the export handler is never committed or rolled back' : 'connections are not returned to the pool when a query fails';
    const inUseAfter = rng.int(3, 8);
    return {
      ...faultOf(this, ctx),
      remedy: remedy('rollback', root),
      decoys: [remedy('raise_connection_limit', db), remedy('restart', db)],
      rootOverview: { error_rate: rng.int(20, 40) / 100, latency_p99_ms: rng.int(3000, 6000) },
      rootDetail: { db_pool_in_use: pool, db_pool_size: pool, db_pool_idle: 0, db_pool_wait_ms: rng.int(4000, 5000) },
      after: { db_pool_in_use: inUseAfter, db_pool_idle: pool - inUseAfter, db_pool_wait_ms: 0 },
      rootLogs: [
        { at: -25, ...deployLine(rng, root, split, version) },
        key(-3, 'WARN', say(split, `db pool: active=${pool} idle=0 waiting=${rng.int(20, 80)}; oldest checkout held ${held}s`, `sql pool in_use=${pool} idle=0 wait_count=${rng.int(20, 80)} max_lifetime_exceeded=0 longest_checkout_s=${held}`)),
        ongoing(() => key(0, 'ERROR', say(split, `timeout acquiring connection from pool after 5000ms (${pool}/${pool} in use)`, `sql: connection pool exhausted after 5s (in_use=${pool}/${pool})`))),
        ...(ctx.variant === 'error_path' ? [line(-4, 'WARN', say(split, 'query failed: canceling statement due to user request', 'query error: context canceled; returning 500'))] : []),
      ],
      rootAlert: { metric: 'db_pool_wait_ms', op: '>', threshold: 1000, severity: 'WARNING', label: 'connection pool wait high' },
      symptoms: [
        {
          service: db.name,
          overview: { error_rate: 0.01 },
          detail: { connections_used_pct: rng.int(92, 99), idle_in_transaction: idleTx },
          log: { level: 'WARN', msg: say(split, `${idleTx} connections "idle in transaction" from application_name=${root.name} (oldest ${held}s)`, `${idleTx} sessions in state 'Sleep' holding open transactions from user '${root.domain}_app' (oldest ${held}s)`) },
          alert: { metric: 'connections_used_pct', op: '>', threshold: 90, severity: 'WARNING', label: 'connection usage high' },
        },
      ],
      callerLog: (_c, callee) => (split === 'train' ? { level: 'ERROR', msg: `${callee.name} returned 503 for GET /v1/${callee.domain} (upstream timeout 5000ms)` } : { level: 'ERROR', msg: `call ${callee.name} status=503 err="upstream timeout"` }),
      callerImpact: { error_rate: rng.int(15, 30) / 100, latency_ms: rng.int(2000, 5000) },
      mechanism: `release ${version} of ${root.name} leaks database connections (${where}); its pool of ${pool} fills with connections that are never released, so requests time out waiting for one, and ${db.name} fills with idle-in-transaction sessions.`,
      trigger: `the deploy of ${root.name} ${version}.`,
      concepts: {
        mechanism: [['leak', 'leaks', 'leaked', 'never released', 'not released', 'never returned', 'not returned', 'idle in transaction'], ['pool', 'connection']],
        trigger: [['deploy', 'release', 'rollout', version]],
        remediation: [['rollback', 'rolled back', 'roll back', 'revert']],
      },
    };
  },
};
