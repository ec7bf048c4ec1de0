import { faultOf, key, line, loudCaller, ongoing, product, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const connectionPoolExhaustion: Family = {
  id: 'connection_pool_exhaustion',
  title: 'Database connection limit exhausted',
  rootTiers: ['db'],
  maskable: true,
  variants: [{ id: 'batch_burst' }, { id: 'max_connections_lowered', splits: ['test'] }],
  claim: [['max connections', 'too many connections', 'too many clients', 'connection limit', 'connection slots', 'out of connections', 'connections exhausted']],
  build(ctx): FaultBuild {
    const { root, rng } = ctx;
    const max = rng.pick([100, 200, 300]);
    const waiting = rng.int(40, 120);
    const pg = product(ctx).db === 'postgres';
    const caller = loudCaller(ctx);
    const burst = ctx.variant === 'batch_burst';
    const batch = rng.pick(['reporting-batch', 'ledger-export', 'nightly-reconcile', 'analytics-sync']);
    const opener = burst
      ? line(-6, 'INFO', pg ? `connection received: host=10.4.${rng.int(1, 9)}.${rng.int(10, 99)} application_name=${batch}` : `new connection from ${batch}@10.7.${rng.int(1, 9)}.${rng.int(10, 99)} (thread_id ${rng.int(1000, 9999)})`)
      : line(-20, 'INFO', say(ctx.split, `parameter change: max_connections ${max * 3} -> ${max} (config management run)`, `SET GLOBAL max_connections = ${max} (was ${max * 3}; config management)`));
    return {
      ...faultOf(this, ctx),
      remedy: remedy('raise_connection_limit', root),
      decoys: [remedy('restart', root), remedy('scale_out', caller)],
      rootOverview: { error_rate: rng.int(2, 4) / 100, latency_p99_ms: rng.int(800, 1600) },
      rootDetail: { connections_active: max, max_connections: max, connections_used_pct: 100, connections_waiting: waiting },
      after: { connections_active: Math.round(max * 0.9), max_connections: max * 3, connections_used_pct: 30, connections_waiting: 0 },
      latent: { max_connections: max, connections_active: Math.round((max * rng.int(50, 65)) / 100), connections_waiting: 0 },
      rootLogs: pg
        ? [opener, key(-1, 'WARN', `connections at ${max}/${max} (max_connections); ${waiting} clients waiting in the pooler`), ongoing(() => key(0, 'FATAL', 'sorry, too many clients already')), line(1, 'FATAL', 'remaining connection slots are reserved for non-replication superuser connections')]
        : [opener, key(-1, 'WARN', `Threads_connected=${max} max_connections=${max}`), ongoing(() => key(0, 'ERROR', 'ERROR 1040 (HY000): Too many connections')), line(2, 'WARN', `Aborted connection ${rng.int(1000, 9999)} to db (Got timeout reading communication packets)`)],
      rootAlert: { metric: 'connections_used_pct', op: '>', threshold: 90, severity: 'WARNING', label: 'connection usage high' },
      callerLog: (_c, callee) =>
        ctx.split === 'train'
          ? { level: 'ERROR', msg: `could not obtain a connection from pool "${callee.domain}" within 5000ms (${callee.name}: too many clients)` }
          : { level: 'ERROR', msg: `acquire conn: ${callee.name}: Error 1040: Too many connections (waited 5s)` },
      callerImpact: { error_rate: rng.int(25, 45) / 100, latency_ms: rng.int(3000, 5000) },
      mechanism: `${root.name} reached max_connections (${max}/${max}); new connections were refused, so callers timed out waiting for a pooled connection.`,
      trigger: burst ? `the ${batch} job opened a burst of long-lived connections to ${root.name}.` : `a configuration run lowered max_connections on ${root.name} from ${max * 3} to ${max}.`,
      concepts: {
        mechanism: [['connection', 'connections'], ['max connections', 'too many', 'limit', 'exhaust', 'saturat', 'refused']],
        trigger: burst ? [[batch, 'batch', 'job', 'burst']] : [['lowered', 'parameter change', 'config', 'was ' + String(max * 3), String(max * 3)]],
        remediation: [['increase', 'raise', 'raised', 'max connections', 'connection limit']],
      },
    };
  },
};
