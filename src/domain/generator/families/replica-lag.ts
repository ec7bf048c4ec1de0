import { faultOf, key, line, loudCaller, product, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const replicaLag: Family = {
  id: 'replica_lag',
  title: 'Read replica lag',
  rootTiers: ['db'],
  variants: [{ id: 'long_query' }, { id: 'io_saturation', splits: ['test'] }],
  claim: [['replica', 'replication', 'replay'], ['lag', 'lagging', 'behind', 'stale read', 'stale data', 'stale rows']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const lag = rng.int(200, 900);
    const pg = product(ctx).db === 'postgres';
    const caller = loudCaller(ctx);
    const query = ctx.variant === 'long_query';
    return {
      ...faultOf(this, ctx),
      // A query blocking replay is ended by terminating it (reads on the primary only spare users
      // the stale rows meanwhile); a backup's I/O has no remedy of its own here, so reads move.
      remedy: remedy(query ? 'terminate_query' : 'route_reads_to_primary', root),
      // Reads on the primary stop the stale reads, not the blocked replay: the replica still lags.
      ...(query ? { mitigations: [remedy('route_reads_to_primary', root)], eased: { replication_lag_s: lag } } : {}),
      decoys: [remedy('restart', root), remedy('raise_connection_limit', root), remedy('restart', caller)],
      rootOverview: { error_rate: 0.004 },
      rootDetail: { replication_lag_s: lag, ...(query ? {} : { replica_disk_io_util_pct: rng.int(96, 100) }) },
      after: { ...(query ? {} : { replica_disk_io_util_pct: rng.int(96, 100) }) },
      rootLogs: query
        ? pg
          ? [line(-15, 'INFO', `replica ${root.name}-replica-1: long-running analytics query started (pid ${rng.int(1000, 9999)})`), key(-10, 'WARN', 'WAL replay waiting: conflict with recovery deferred by max_standby_streaming_delay=-1'), key(0, 'WARN', `replica ${root.name}-replica-1 replay lag ${lag}s`)]
          : [line(-15, 'INFO', `replica ${root.name}-replica-1: long-running report query holding metadata lock`), key(-10, 'WARN', 'Replica SQL thread waiting for table metadata lock'), key(0, 'WARN', `Seconds_Behind_Source: ${lag}`)]
        : [line(-15, 'INFO', say(split, 'backup: base backup started on replica-1', 'xtrabackup: streaming backup from replica-1 started')), key(-8, 'WARN', say(split, `replica-1 disk await ${rng.int(80, 300)}ms; WAL replay falling behind`, `replica-1 io_util ${rng.int(96, 100)}%; applier falling behind`)), key(0, 'WARN', say(split, `replica ${root.name}-replica-1 replay lag ${lag}s`, `Seconds_Behind_Source: ${lag}`))],
      rootAlert: { metric: 'replication_lag_s', op: '>', threshold: 60, severity: 'WARNING', label: 'replication lag high' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `read-after-write check failed: record written to ${callee.name} primary not found on replica`, `consistency check: row missing on ${callee.name} read endpoint after successful write`) }),
      callerImpact: { error_rate: rng.int(6, 15) / 100, latency_ms: rng.int(20, 200) },
      mechanism: `${root.name}'s read replica fell ${lag}s behind because ${query ? 'a long-running query blocked replay' : 'a backup saturated its disk I/O'}, so reads returned stale data.`,
      trigger: query ? 'a long-running analytics query on the replica.' : 'a backup running on the replica during peak traffic.',
      concepts: {
        mechanism: [['replica', 'replication', 'replay'], ['lag', 'behind', 'stale']],
        trigger: query ? [['long running', 'analytics', 'report', 'query', 'lock']] : [['backup', 'disk', 'io', 'i/o']],
        remediation: query ? [['terminate', 'terminated', 'kill', 'killed', 'cancel', 'cancelled']] : [['primary', 'reroute', 'route reads']],
      },
    };
  },
};
