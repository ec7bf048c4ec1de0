import { dependencyOf, faultOf, key, line, loudCaller, ongoing, product, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const cacheOom: Family = {
  id: 'cache_oom',
  title: 'Cache out of memory with a slow fallback',
  rootTiers: ['cache'],
  maskable: true,
  variants: [{ id: 'keys_without_ttl' }, { id: 'oversized_values', splits: ['test'] }],
  claim: [['cache', 'memcached', 'memcache', 'redis'], ['memory limit', 'maxmemory', 'limit maxbytes', 'out of memory', 'oom'], ['writes fail', 'write fail', 'writes failed', 'eviction', 'noeviction', 'evictions disabled', 'fell back', 'fall back', 'falls back', 'falling back', 'fallback', 'read through', 'reads through', 'reading through']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const redis = product(ctx).cache === 'redis';
    const caller = loudCaller(ctx);
    const db = dependencyOf(ctx, caller, 'db');
    const fallback = db ? db.name : 'the origin';
    const keys = rng.pick(['session', 'cart-snapshot', 'price-preview', 'feature-eval']);
    const maxmem = rng.pick([2, 4, 8]);
    const ttl = ctx.variant === 'keys_without_ttl';
    const size = rng.int(400, 900);
    const cause = ttl ? `${keys} keys written without a TTL` : `${keys} values grew to about ${size}KB each (from about 6KB)`;
    return {
      ...faultOf(this, ctx),
      remedy: remedy('flush_cache', root),
      decoys: [remedy('restart', caller), ...(db ? [remedy('raise_connection_limit', db)] : [])],
      rootOverview: { error_rate: 0.01, cpu_pct: rng.int(60, 85) },
      rootDetail: { memory_used_pct: 100, evicted_keys_per_min: 0, rejected_writes_per_min: rng.int(5000, 15000), hit_ratio: rng.int(3, 12) / 100 },
      // Flushed, it has room again; eviction is still off (the flag is unchanged), so it evicts nothing.
      after: { memory_used_pct: rng.int(35, 45), rejected_writes_per_min: 0, hit_ratio: rng.int(88, 95) / 100, evicted_keys_per_min: 0 },
      latent: { memory_used_pct: rng.int(72, 84) },
      rootLogs: redis
        ? [
            line(-9, 'WARN', `used_memory ${(maxmem * 0.97).toFixed(2)}G of maxmemory ${maxmem}G (97%)`),
            line(-720, 'INFO', `Server initialized (maxmemory ${maxmem}gb, maxmemory-policy noeviction)`),
            ongoing(() => key(0, 'ERROR', `OOM command not allowed when used memory > 'maxmemory' (client=${caller.name})`)),
            key(1, 'WARN', ttl ? `0 keys evicted; ${rng.int(2, 6)}.${rng.int(0, 9)}M ${keys}:* keys have no TTL` : `bigkeys: ${keys}:* average ${size}KB (was 6KB)`),
          ]
        : [
            line(-9, 'WARN', `bytes ${(maxmem * 0.98).toFixed(2)}G of limit_maxbytes ${maxmem}G`),
            line(-720, 'INFO', `server started: -m ${maxmem * 1024} -M (return errors when memory is exhausted instead of evicting)`),
            ongoing(() => key(0, 'ERROR', `SERVER_ERROR out of memory storing object (client=${caller.name})`)),
            key(1, 'WARN', ttl ? `${keys} items stored with exptime 0: ${rng.int(2, 6)}.${rng.int(0, 9)}M` : `slab class 42 (${size}KB items) holds ${rng.int(70, 90)}% of memory`),
          ],
      rootAlert: { metric: 'memory_used_pct', op: '>', threshold: 95, severity: 'WARNING', label: 'memory usage high' },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: say(split, `cache SET ${keys}:* on ${callee.name} failed: OOM; falling back to ${fallback}`, `memcache set failed on ${callee.name} (SERVER_ERROR out of memory); reading through to ${fallback}`) }),
      callerImpact: { error_rate: rng.int(8, 18) / 100, latency_ms: rng.int(2500, 6000) },
      mechanism: `${root.name} hit its memory limit with eviction disabled, so cache writes failed (out of memory); callers fell back to ${fallback} and slowed down.`,
      trigger: `${cause}, filling the cache.`,
      concepts: {
        mechanism: [['memory', 'oom', 'out of memory', 'maxmemory'], ['evict', 'noeviction', 'writes fail', 'write fail', 'rejected writes', 'writes failed'], ['fallback', 'fall back', 'fell back', 'falls back', 'falling back', 'read through', 'reads through', 'reading through', 'slow path', 'slow', 'slowed']],
        trigger: ttl ? [['ttl', 'expire', 'never expire', keys]] : [['large', 'oversized', 'size', 'serializ', 'bigger', 'grew']],
        remediation: [['flush', 'flushed', 'freed memory', 'free memory']],
      },
    };
  },
};
