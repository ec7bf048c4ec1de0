import { errorsFor, fix, line, loudCaller, product, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const connectionPoolExhaustion: Family = {
  id: 'connection_pool_exhaustion',
  title: 'Database connection limit exhausted',
  rootTiers: ['db'],
  build(ctx) {
    const { root, rng } = ctx;
    const max = rng.pick([100, 200, 300]);
    const waiting = rng.int(40, 120);
    const batch = rng.pick(['reporting-batch', 'ledger-export', 'nightly-reconcile', 'analytics-sync']);
    const pg = product(ctx).db === 'postgres';
    const caller = loudCaller(ctx);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`increase_connections_${root.name}`, `Raise max_connections on ${root.name} and reload its pooler`, `max_connections on ${root.name} raised to ${max * 3}; waiting clients drain within a minute.`),
      wrongFixes: [
        restart(root, `${root.name} restarted: every open connection dropped, in-flight transactions failed, and the connection count is back at the limit within two minutes.`, errorsFor(caller.name, 0.35, 8, `[CRITICAL] ${caller.name}: error rate spiked after ${root.name} restart`)),
        scaleUp(caller, `${caller.name} scaled out; the new pods cannot get database connections either and errors rise.`),
        restart(caller, `${caller.name} restarted; its pool reconnects and waits again. No improvement.`),
      ],
      rootOverview: { error_rate: rng.int(14, 30) / 100, latency_p99_ms: rng.int(800, 1600) },
      rootDetail: { connections_active: max, max_connections: max, connections_waiting: waiting, rejected_connections_per_min: rng.int(700, 1600) },
      rootLogs: pg
        ? [
            line(-6, 'INFO', `connection received: host=10.4.${rng.int(1, 9)}.${rng.int(10, 99)} application_name=${batch}`),
            line(-1, 'WARN', `connections at ${max}/${max} (max_connections); ${waiting} clients waiting in the pooler`),
            line(0, 'FATAL', 'sorry, too many clients already'),
            line(1, 'FATAL', 'remaining connection slots are reserved for non-replication superuser connections'),
          ]
        : [
            line(-6, 'INFO', `new connection from ${batch}@10.7.${rng.int(1, 9)}.${rng.int(10, 99)} (thread_id ${rng.int(1000, 9999)})`),
            line(-1, 'WARN', `Threads_connected=${max} max_connections=${max}`),
            line(0, 'ERROR', 'ERROR 1040 (HY000): Too many connections'),
            line(2, 'WARN', `Aborted connection ${rng.int(1000, 9999)} to db (Got timeout reading communication packets)`),
          ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: connection count at 100% of max_connections` },
      callerLog: (c, callee) => ({ level: 'ERROR', msg: `could not obtain a connection from pool "${callee.domain}" within 5000ms (${callee.name} refused: too many connections)` }),
      callerImpact: { error_rate: rng.int(25, 45) / 100, latency_ms: rng.int(3000, 5000) },
      mechanism: `${root.name} reached max_connections (${max}/${max}); new connections were refused, so callers timed out waiting for a pooled connection.`,
      trigger: `the ${batch} job opened a burst of long-lived connections to ${root.name}.`,
      concepts: {
        mechanism: [['connection', 'connections'], ['max connections', 'too many', 'limit', 'exhaust', 'saturat', 'refused']],
        trigger: [[batch, 'batch', 'job', 'leak']],
        remediation: [['increase', 'raise', 'raised', 'max connections']],
      },
    };
  },
};
