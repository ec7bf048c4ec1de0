import { fix, line, loudCaller, product, restart } from '../kit.js';
import type { Family } from '../types.js';

export const replicaLag: Family = {
  id: 'replica_lag',
  title: 'Read replica lag',
  rootTiers: ['db'],
  build(ctx) {
    const { root, rng } = ctx;
    const lag = rng.int(200, 900);
    const pg = product(ctx).db === 'postgres';
    const caller = loudCaller(ctx);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`route_reads_to_primary_${root.name}`, `Send ${root.name} reads to the primary until the replica catches up`, `Reads for ${root.name} routed to the primary; stale reads stop.`, 4),
      wrongFixes: [
        restart(root, `${root.name} restarted: connections dropped and the replica restarts replay from further behind.`),
        fix(`increase_connections_${root.name}`, `Raise max_connections on ${root.name}`, `More connections allowed; the replica is still ${lag}s behind.`),
        restart(caller, `${caller.name} restarted; it still reads stale rows from the replica.`),
      ],
      rootOverview: { error_rate: rng.int(2, 6) / 100 },
      rootDetail: { replication_lag_s: lag, replica_replay_paused: 1 },
      rootLogs: pg
        ? [
            line(-15, 'INFO', `statement on replica ${root.name}-replica-1: long-running analytics query started (pid ${rng.int(1000, 9999)})`),
            line(-10, 'WARN', `canceling WAL replay wait: conflict with recovery deferred by max_standby_streaming_delay=-1`),
            line(0, 'WARN', `replica ${root.name}-replica-1 replay lag ${lag}s`),
          ]
        : [
            line(-15, 'INFO', `replica ${root.name}-replica-1: long-running report query holding metadata lock`),
            line(-10, 'WARN', 'SQL thread waiting for table metadata lock'),
            line(0, 'WARN', `Seconds_Behind_Master: ${lag}`),
          ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: replica lag ${lag}s` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `read-after-write check failed: record written to ${callee.name} primary not found on replica (stale read)` }),
      callerImpact: { error_rate: rng.int(6, 15) / 100, latency_ms: rng.int(20, 200) },
      mechanism: `${root.name}'s read replica fell ${lag}s behind because a long-running query blocked replay, so reads returned stale data.`,
      trigger: 'a long-running analytics query on the replica.',
      concepts: {
        mechanism: [['replica', 'replication', 'replay'], ['lag', 'behind', 'stale']],
        trigger: [['long running', 'analytics', 'report', 'query', 'lock']],
        remediation: [['primary', 'reroute', 'route reads']],
      },
    };
  },
};
