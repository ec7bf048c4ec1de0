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
      return { jobs_per_min: rng.int(200, 4000), jobs_failed_per_min: rng.int(0, 3), consumer_lag_s: rng.int(0, 5), memory_mb: rng.int(300, 900), restarts_last_hour: 0, pods_ready: node.replicas };
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
      // Business throughput against the same minutes last week, and the answers its fallbacks gave.
      return { pods_ready: node.replicas, pods_desired: node.replicas, http_5xx_per_min: rng.int(0, 6), memory_mb: rng.int(250, 900), gc_pause_p99_ms: rng.int(5, 60), cpu_throttled_pct: rng.int(0, 4), restarts_last_hour: 0, transactions_vs_last_week_pct: rng.int(91, 109), fallback_responses_per_min: rng.int(0, 4), breakers_open: 0 };
  }
}

/**
 * A healthy value of each reading a fault can add to a service's dashboard, for the services of the
 * same kind that are fine (`h` is a stable draw in [0, 1)).
 */
type Healthy = (h: number, d: { node: Node; detail: Record<string, number> }) => number;
const between = (lo: number, hi: number): Healthy => (h) => Math.round(lo + h * (hi - lo));
const fraction = (lo: number, hi: number, digits = 3): Healthy => (h) => Math.round((lo + h * (hi - lo)) * 10 ** digits) / 10 ** digits;
const one = (...values: number[]): Healthy => (h) => values[Math.floor(h * values.length)]!;
const zero: Healthy = () => 0;
const poolSize: Healthy = one(20, 30, 50, 64);
const maxThreads: Healthy = one(100, 200, 256);

export const HEALTHY_READINGS: Record<string, Healthy> = {
  tcp_retransmits_pct: fraction(0.1, 0.6, 2),
  conntrack_used_pct: between(18, 55),
  dropped_packets_per_min: between(0, 4),
  pods_on_degraded_node: zero,
  node_steal_pct: fraction(0, 2, 1),
  secret_version_latest: between(3, 48),
  config_revision: between(120, 980),
  rejected_writes_per_min: zero,
  clock_offset_s: fraction(0.001, 0.04),
  time_sources_reachable: one(3, 4),
  db_pool_size: poolSize,
  db_pool_in_use: (h, d) => Math.round((d.detail.db_pool_size ?? poolSize(h, d)) * (0.15 + h * 0.35)),
  db_pool_idle: (h, d) => Math.max(0, (d.detail.db_pool_size ?? poolSize(h, d)) - (d.detail.db_pool_in_use ?? 0)),
  db_pool_wait_ms: between(0, 3),
  db_queries_per_request: between(2, 8),
  outbound_calls_per_request: between(1, 4),
  max_threads: maxThreads,
  busy_threads: (h, d) => Math.round((d.detail.max_threads ?? maxThreads(h, d)) * (0.1 + h * 0.3)),
  threads_blocked_on_io: (h, d) => Math.round((d.detail.max_threads ?? maxThreads(h, d)) * h * 0.05),
  request_queue_depth: between(0, 12),
  flag_changes_last_hour: zero,
  memory_limit_mb: one(1024, 2048, 4096),
  hpa_max_replicas: (h, d) => d.node.replicas * (2 + Math.floor(h * 2)),
  pods_desired: (_h, d) => d.node.replicas,
  pods_ready: (_h, d) => d.node.replicas,
  replicas_ready: (_h, d) => d.node.replicas,
  cpu_limit_millicores: one(1000, 2000, 4000),
  cpu_throttled_pct: between(0, 4),
  tls_handshake_errors_per_min: between(0, 3),
  cert_seconds_remaining: between(20 * 86_400, 80 * 86_400),
  connections_waiting: zero,
  write_errors_per_min: zero,
  longest_query_s: fraction(0.2, 3, 1),
  rows_scanned_per_s: between(2_000, 40_000),
  lock_waits: between(0, 2),
  replica_disk_io_util_pct: between(15, 45),
  seconds_behind_source: between(0, 2),
  threads_connected: between(20, 120),
  retries_per_min: between(0, 30),
  http_5xx_per_min: between(0, 6),
  disk_used_pct: between(30, 65),
  restarts_last_hour: zero,
  memory_mb: between(250, 900),
  gc_pause_p99_ms: between(5, 60),
  upstream_401_per_min: zero,
  jobs_failed_per_min: between(0, 3),
};
