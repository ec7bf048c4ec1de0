import { errorsFor, fix, line, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const queueBacklog: Family = {
  id: 'queue_backlog',
  title: 'Queue backlog from a poison message',
  rootTiers: ['worker'],
  requires: ['queue'],
  build(ctx) {
    const { root, rng, topo } = ctx;
    const queue = topo.nodes.find((n) => n.tier === 'queue' && root.depends_on.includes(n.name)) ?? topo.nodes.find((n) => n.tier === 'queue')!;
    const offset = rng.int(100_000, 999_999);
    const attempts = rng.int(40, 400);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`skip_poison_message_${root.name}`, `Move the failing message to the dead-letter queue and resume ${root.name}`, `Message at offset ${offset} parked in the dead-letter queue; ${root.name} consumers resume and the backlog drains.`),
      wrongFixes: [
        scaleUp(root, `More ${root.name} consumers; each one picks up the same failing message and the lag keeps growing.`),
        restart(root, `${root.name} restarted; it resumes from offset ${offset} and fails on the same message.`),
        fix(`purge_queue_${queue.name}`, `Delete every pending message in ${queue.name}`, `${queue.name} purged: the backlog is gone, and so are ${rng.int(100, 900)}k unprocessed messages (data loss).`, 4, errorsFor(queue.name, 0.2, 15, `[CRITICAL] ${queue.name}: messages purged, downstream data lost`)),
      ],
      rootOverview: { error_rate: rng.int(50, 95) / 100, requests_per_sec: rng.int(0, 3) },
      rootDetail: { jobs_per_min: 0, consumer_lag_s: rng.int(900, 4000), restarts_last_hour: 0, retries_per_min: rng.int(100, 400) },
      rootLogs: [
        line(0, 'ERROR', `failed to deserialize message at offset ${offset}: unexpected field type for "amount" (string, want number)`),
        line(1, 'WARN', `retrying message at offset ${offset} (attempt ${attempts}); partition blocked behind it`),
        line(2, 'WARN', `processed 0 messages in the last 60s`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: throughput 0 jobs/min` },
      symptoms: [
        {
          service: queue.name,
          overview: { error_rate: 0.02, latency_p99_ms: rng.int(200, 900) },
          detail: { queue_depth: rng.int(200_000, 900_000), consumer_lag_s: rng.int(900, 4000) },
          log: { level: 'WARN', msg: `consumer group ${root.name} lag growing: ${rng.int(200, 900)}k messages behind` },
          alert: { severity: 'CRITICAL', text: `${queue.name}: queue depth above 200k, consumer lag ${rng.int(15, 60)}m` },
        },
      ],
      callerLog: (_c, callee) => ({ level: 'WARN', msg: `publish to ${callee.name} slow: broker applying back-pressure` }),
      callerImpact: { error_rate: rng.int(3, 8) / 100, latency_ms: rng.int(300, 1200) },
      mechanism: `a malformed message at offset ${offset} makes every ${root.name} consumer fail and retry forever, blocking its partition, so the backlog in ${queue.name} grows.`,
      trigger: `a producer started sending "amount" as a string.`,
      concepts: {
        mechanism: [['poison', 'malformed', 'deserializ', 'bad message', 'failing message'], ['retry', 'retries', 'blocked', 'stuck'], ['lag', 'backlog', 'queue depth']],
        trigger: [['producer', 'schema', 'string', 'amount']],
        remediation: [['dead letter', 'dlq', 'skip', 'skipped', 'parked']],
      },
    };
  },
};
