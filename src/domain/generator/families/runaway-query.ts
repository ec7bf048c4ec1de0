import { faultOf, key, line, loudCaller, ongoing, product, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const runawayQuery: Family = {
  id: 'runaway_query',
  title: 'Runaway query saturating a database',
  rootTiers: ['db'],
  variants: [{ id: 'missing_index' }, { id: 'lock_chain', splits: ['test'] }],
  claim: [['full table scan', 'sequential scan', 'seq scan', 'missing index', 'dropped index', 'dropped an index', 'lock wait', 'row locks', 'holding locks', 'held locks', 'runaway query']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const pg = product(ctx).db === 'postgres';
    const caller = loudCaller(ctx);
    const scan = ctx.variant === 'missing_index';
    const table = rng.pick(['orders', 'events', 'line_items', 'audit_log']);
    const pid = rng.int(1000, 99999);
    // The blocking transaction opened `openedMin` minutes before the onset, when its waiters were
    // first counted: that line's age agrees with the BEGIN line, and later repeats say how long at least.
    const openedMin = rng.int(10, 50);
    const secs = scan ? rng.int(600, 3000) : openedMin * 60 + rng.int(0, 59);
    const waiting = rng.int(80, 400);
    return {
      ...faultOf(this, ctx),
      // Killing the scans buys minutes; only the index stops them coming back.
      remedy: remedy(scan ? 'create_index' : 'terminate_query', root),
      mitigations: scan ? [remedy('terminate_query', root)] : [],
      decoys: [remedy('restart', root), remedy('raise_connection_limit', root), ...(caller.tier === 'api' || caller.tier === 'worker' ? [remedy('scale_out', caller)] : [])],
      rootOverview: { error_rate: rng.int(1, 4) / 100, latency_p99_ms: rng.int(3000, 9000), cpu_pct: scan ? rng.int(95, 100) : rng.int(20, 45) },
      rootDetail: scan ? { slow_queries_per_min: rng.int(300, 1500), longest_query_s: secs, rows_scanned_per_s: rng.int(5, 40) * 1_000_000 } : { lock_waits: waiting, idle_in_transaction: 1, longest_query_s: secs, slow_queries_per_min: rng.int(50, 300) },
      after: scan ? { longest_query_s: rng.int(1, 4), rows_scanned_per_s: rng.int(20, 90) * 1000 } : { lock_waits: 0, idle_in_transaction: 0, longest_query_s: rng.int(1, 4) },
      rootLogs: scan
        ? [
            line(-40, 'INFO', say(split, `migration 20260314_${rng.int(100, 999)} applied: DROP INDEX ${table}_customer_id_idx`, `schema change applied: ALTER TABLE ${table} DROP INDEX idx_customer_id`)),
            key(-5, 'WARN', pg ? `duration: ${secs * 1000} ms  statement: SELECT * FROM ${table} WHERE customer_id = $1 (Seq Scan on ${table})` : `# Query_time: ${secs}  Rows_examined: ${rng.int(20, 90)}000000  SELECT * FROM ${table} WHERE customer_id = ?`),
            ongoing(() => key(0, 'WARN', say(split, `CPU at 100%: ${rng.int(30, 90)} active backends running the same query`, `${rng.int(30, 90)} threads in state 'Sending data' on ${table}`))),
          ]
        : [
            line(-openedMin, 'INFO', say(split, `pid ${pid}: BEGIN (application_name=admin-console)`, `thread ${pid}: START TRANSACTION by 'admin'@'bastion'`)),
            key(-5, 'WARN', pg ? `process ${rng.int(1000, 99999)} still waiting for ShareLock on transaction ${rng.int(100000, 999999)} after 1000.0 ms; blocked by process ${pid}` : `Lock wait timeout exceeded; try restarting transaction (blocked by thread ${pid})`),
            // At the onset the dashboard's count and the age then; a repeat, minutes later, gives
            // the count then and an age that is still true.
            ongoing((i) => {
              const n = i === 0 ? waiting : Math.max(50, waiting + rng.int(-20, 20));
              const age = i === 0 ? `${secs}s` : `over ${openedMin} min`;
              return key(0, 'WARN', say(split, `${n} sessions waiting on row locks on ${table} held by pid ${pid} (idle in transaction ${age})`, `${n} threads waiting for row locks on ${table} held by thread ${pid} (open ${age})`));
            }),
          ],
      ...(scan ? {} : { ageing: 'longest_query_s' }),
      rootAlert: scan ? { metric: 'cpu_pct', op: '>', threshold: 90, severity: 'WARNING', label: 'CPU usage high' } : { metric: 'lock_waits', op: '>', threshold: 50, severity: 'WARNING', label: 'lock waits high' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `query to ${callee.name} timed out after 5000ms (statement timeout)`, `${callee.name}: Error 3024: Query execution was interrupted, maximum statement execution time exceeded`) }),
      callerImpact: { error_rate: rng.int(15, 35) / 100, latency_ms: rng.int(3000, 6000) },
      mechanism: scan ? `a migration dropped an index on ${table}, so a frequent query became a full table scan that saturated ${root.name}'s CPU and every query slowed down.` : `a transaction left open (idle in transaction for ${secs}s) held row locks on ${table}, so writes queued behind it (lock waits) and callers timed out.`,
      trigger: scan ? `migration dropping ${table}'s customer_id index.` : 'a manual transaction opened from an admin console and never committed.',
      concepts: {
        mechanism: scan ? [['full table scan', 'seq scan', 'sequential scan', 'missing index', 'dropped index', 'no index'], ['cpu', 'slow', 'saturat']] : [['lock', 'locks', 'blocked', 'blocking'], ['transaction', 'idle in transaction', 'open transaction', 'long running']],
        trigger: scan ? [['migration', 'drop index', 'dropped', 'index']] : [['manual', 'admin', 'never committed', 'console']],
        remediation: scan ? [['create index', 'created the index', 'recreate', 'recreated', 'restored the index', 'rebuilt the index', 'rebuild the index']] : [['terminate', 'terminated', 'kill', 'killed', 'cancel']],
      },
    };
  },
};
