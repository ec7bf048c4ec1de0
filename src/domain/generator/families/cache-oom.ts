import { fix, line, loudCaller, product, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const cacheOom: Family = {
  id: 'cache_oom',
  title: 'Cache out of memory with a slow fallback',
  rootTiers: ['cache'],
  build(ctx) {
    const { root, rng, topo } = ctx;
    const redis = product(ctx).cache === 'redis';
    const caller = loudCaller(ctx);
    const db = topo.nodes.find((n) => n.tier === 'db' && caller.depends_on.includes(n.name));
    const fallback = db ? db.name : 'the origin';
    const keys = rng.pick(['session', 'cart-snapshot', 'price-preview', 'feature-eval']);
    const maxmem = rng.pick([2, 4, 8]);
    const wrong = [
      restart(caller, `${caller.name} restarted; cache writes still fail and it falls back to ${fallback} again.`),
      scaleUp(root, `A replica is being added to ${root.name}; it inherits the same full keyspace and limit, and writes still fail.`),
    ];
    if (db) wrong.push(fix(`increase_connections_${db.name}`, `Raise max_connections on ${db.name}`, `${db.name} accepts more connections, but it is CPU-bound on fallback reads; latency stays the same.`));
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`flush_cache_${root.name}`, `Flush stale keys from ${root.name} to free memory`, `Stale ${keys} keys flushed; ${root.name} memory drops to 40% and writes succeed again.`),
      wrongFixes: wrong,
      rootOverview: { error_rate: rng.int(35, 55) / 100, cpu_pct: rng.int(60, 85) },
      rootDetail: { memory_used_pct: 100, evicted_keys_per_min: 0, rejected_writes_per_min: rng.int(5000, 15000), hit_ratio: rng.int(3, 12) / 100 },
      rootLogs: redis
        ? [
            line(-9, 'WARN', `used_memory ${maxmem * 0.97}G of maxmemory ${maxmem}G (97%)`),
            line(-4, 'WARN', 'maxmemory-policy is noeviction: writes will fail once maxmemory is reached'),
            line(0, 'ERROR', `OOM command not allowed when used memory > 'maxmemory' (client=${caller.name})`),
            line(1, 'WARN', `0 keys evicted while memory is full (${keys} keys without TTL: ${rng.int(2, 6)}.${rng.int(0, 9)}M)`),
          ]
        : [
            line(-9, 'WARN', `bytes ${maxmem * 0.98}G of limit_maxbytes ${maxmem}G`),
            line(-3, 'WARN', 'evictions disabled (-M): items will not be evicted when memory is exhausted'),
            line(0, 'ERROR', `SERVER_ERROR out of memory storing object (client=${caller.name})`),
            line(1, 'WARN', `${keys} items stored with exptime 0 (never expire): ${rng.int(2, 6)}.${rng.int(0, 9)}M`),
          ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: memory usage 100% of limit` },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: `cache SET on ${callee.name} failed: out of memory; falling back to ${fallback} (slow path)` }),
      callerImpact: { error_rate: rng.int(8, 18) / 100, latency_ms: rng.int(2500, 6000) },
      mechanism: `${root.name} hit its memory limit with eviction disabled, so cache writes failed (OOM); callers fell back to ${fallback} and slowed down.`,
      trigger: `${keys} keys were written without a TTL and filled the cache.`,
      concepts: {
        mechanism: [['memory', 'oom', 'out of memory', 'maxmemory'], ['evict', 'noeviction', 'writes fail', 'write fail', 'rejected writes'], ['fallback', 'fall back', 'fell back', 'slow path', 'slow']],
        trigger: [['ttl', 'expire', 'never expire', keys]],
        remediation: [['flush', 'flushed', 'freed memory', 'free memory']],
      },
    };
  },
};
