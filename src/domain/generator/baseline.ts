/** Healthy metrics per tier: the overview everyone sees and the detail an investigation reveals. */
import type { Rng } from './rng.js';
import type { Node, Tier } from './types.js';

const LATENCY: Record<Tier, [number, number]> = {
  edge: [120, 220], api: [60, 260], worker: [300, 900], cache: [1, 4], db: [8, 45], queue: [4, 15],
  config: [10, 30], secrets: [10, 35], auth: [20, 55], dns: [1, 3], thirdparty: [150, 420],
};
const RPS: Record<Tier, [number, number]> = {
  edge: [2000, 6500], api: [80, 1600], worker: [20, 300], cache: [4000, 30000], db: [400, 9000], queue: [300, 5000],
  config: [20, 80], secrets: [10, 60], auth: [500, 3000], dns: [2000, 12000], thirdparty: [20, 400],
};

export function baselineOverview(rng: Rng, node: Node): Record<string, number> {
  const [l0, l1] = LATENCY[node.tier];
  const [r0, r1] = RPS[node.tier];
  return {
    error_rate: rng.int(1, 4) / 1000,
    latency_p99_ms: rng.int(l0, l1),
    requests_per_sec: rng.int(r0, r1),
    cpu_pct: rng.int(12, 45),
  };
}

export function baselineDetail(rng: Rng, node: Node): Record<string, number> {
  switch (node.tier) {
    case 'db': {
      const max = rng.pick([100, 200, 300, 500]);
      const used = rng.int(25, 60);
      return { connections_active: Math.round((max * used) / 100), max_connections: max, connections_used_pct: used, idle_in_transaction: rng.int(0, 3), replication_lag_s: rng.int(0, 2), disk_used_pct: rng.int(35, 70), slow_queries_per_min: rng.int(0, 12) };
    }
    case 'cache':
      return { memory_used_pct: rng.int(30, 70), evicted_keys_per_min: rng.int(0, 60), hit_ratio: rng.int(90, 99) / 100, connected_clients: rng.int(50, 600) };
    case 'queue':
      return { queue_depth: rng.int(0, 900), consumer_lag_s: rng.int(0, 5), disk_used_pct: rng.int(30, 65), publish_latency_p99_ms: rng.int(3, 20) };
    case 'worker':
      return { jobs_per_min: rng.int(200, 4000), jobs_failed_per_min: rng.int(0, 3), consumer_lag_s: rng.int(0, 5), memory_mb: rng.int(300, 900), restarts_last_hour: 0 };
    case 'edge':
      return { upstream_5xx_per_min: rng.int(0, 20), requests_429_per_min: rng.int(0, 30), tls_handshake_errors_per_min: rng.int(0, 3), active_connections: rng.int(800, 6000) };
    case 'dns':
      return { nxdomain_per_min: rng.int(0, 40), servfail_per_min: rng.int(0, 3), cache_hit_ratio: rng.int(85, 98) / 100 };
    case 'auth':
      return { token_failures_per_min: rng.int(5, 120), tokens_issued_per_min: rng.int(2000, 15000), replicas_ready: node.replicas };
    case 'config':
    case 'secrets':
      return { last_rollout_targets: rng.int(2, 9), last_rollout_failed: 0, watchers: rng.int(10, 80) };
    case 'thirdparty':
      return { upstream_2xx_ratio: rng.int(985, 999) / 1000, circuit_open: 0, retries_per_min: rng.int(0, 30) };
    case 'api':
      return { pods_ready: node.replicas, pods_desired: node.replicas, http_5xx_per_min: rng.int(0, 6), memory_mb: rng.int(250, 900), gc_pause_p99_ms: rng.int(5, 60), cpu_throttled_pct: rng.int(0, 4), restarts_last_hour: 0 };
  }
}
