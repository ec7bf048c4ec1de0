import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const queueBacklog: Family = {
  id: 'queue_backlog',
  title: 'Queue backlog from a poison message',
  rootTiers: ['worker'],
  requires: ['queue'],
  variants: [{ id: 'schema_change' }, { id: 'oversized_message', splits: ['test'] }],
  claim: [['poison', 'malformed', 'deserializ', 'bad message', 'failing message', 'oversized message', 'too large'], ['queue', 'consumer', 'message', 'partition', 'backlog']],
  build(ctx): FaultBuild {
    const { root, rng, topo, split } = ctx;
    const queue = topo.nodes.find((n) => n.tier === 'queue' && root.depends_on.includes(n.name)) ?? topo.nodes.find((n) => n.tier === 'queue')!;
    const offset = rng.int(100_000, 999_999);
    const attempts = rng.int(40, 400);
    const schema = ctx.variant === 'schema_change';
    // One stuck message: its size is the same every time it is redelivered.
    const size = rng.int(12, 40);
    return {
      ...faultOf(this, ctx),
      remedy: remedy('dead_letter', root),
      decoys: [remedy('scale_out', root), remedy('restart', root), remedy('purge_queue', queue)],
      rootOverview: { error_rate: rng.int(50, 95) / 100, requests_per_sec: rng.int(0, 3) },
      // Its queue backs up by its whole rate since it stalled (the queue symptom every consumer has).
      rootDetail: { jobs_per_min: 0, retries_per_min: rng.int(100, 400) },
      after: { retries_per_min: 0 },
      rootLogs: [
        ongoing(() => key(0, 'ERROR', schema
          ? say(split, `failed to deserialize message at offset ${offset}: unexpected field type for "amount" (string, want number)`, `delivery ${offset}: json: cannot unmarshal string into Go struct field .amount of type int64`)
          : say(split, `message at offset ${offset} is ${size}MB; exceeds max.partition.fetch.bytes, consumer cannot make progress`, `delivery ${offset} body ${size}MB exceeds frame_max; channel closed, redelivering`))),
        key(1, 'WARN', say(split, `retrying message at offset ${offset} (attempt ${attempts}); partition blocked behind it`, `redelivery ${attempts} of ${offset}; no progress on queue`)),
        ongoing(() => line(2, 'WARN', say(split, 'processed 0 messages in the last 60s', 'acked 0 deliveries in the last minute'))),
      ],
      rootAlert: { metric: 'jobs_per_min', op: '<', threshold: 1, severity: 'WARNING', label: 'throughput stalled' },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: say(split, `publish to ${callee.name} slow: broker applying back-pressure`, `publisher confirms from ${callee.name} delayed ${rng.int(800, 3000)}ms (flow control)`) }),
      callerImpact: { error_rate: rng.int(3, 8) / 100, latency_ms: rng.int(300, 1200) },
      mechanism: split === 'train'
        ? `a ${schema ? 'malformed' : 'oversized'} message at offset ${offset} makes every ${root.name} consumer fail and retry forever, blocking its partition, so the backlog in ${queue.name} grows.`
        : `${schema ? 'a malformed' : 'an oversized'} message (delivery ${offset}) makes every ${root.name} consumer fail and get it redelivered forever, so nothing else is consumed and the backlog in ${queue.name} grows.`,
      trigger: schema ? 'a producer started sending "amount" as a string.' : 'a producer published a message far larger than the consumer accepts.',
      concepts: {
        mechanism: [['poison', 'malformed', 'deserializ', 'bad message', 'failing message', 'oversized', 'too large'], ['retry', 'retries', 'blocked', 'stuck', 'redeliver'], ['lag', 'backlog', 'queue depth', 'ready messages', 'messages ready', 'queue grew', 'queue growing', 'piled up', 'piling up', 'accumulat', 'backed up', 'backs up', 'backing up', 'behind']],
        trigger: schema ? [['producer', 'schema', 'string', 'amount']] : [['producer', 'large', 'size', 'oversized']],
        remediation: [['dead letter', 'dlq', 'skip', 'skipped', 'parked']],
      },
    };
  },
};
