import type { SeedScenario } from '../scenario.js';

/**
 * redis-cache runs out of memory; inventory-service falls back to slow database reads, which
 * cascades into checkout-service timeouts. notification-service's queue warning is a red herring.
 */
export const taskMedium: SeedScenario = {
  kind: 'seed',
  id: 'task_medium',
  family: 'cache_oom',
  title: 'Cascading Microservice Failure',
  difficulty: 'medium',
  max_steps: 15,
  description:
    'Several services are degraded and checkout is failing. Trace the cascade to its origin, ' +
    'escalate to the owning team, apply the fix and write a postmortem.',
  teams: ['infra-team', 'backend-team', 'database-team', 'frontend-team', 'security-team'],
  services: [
    {
      name: 'checkout-service',
      owner: 'backend-team',
      depends_on: ['inventory-service', 'notification-service', 'postgres-db'],
      overview: { error_rate: 0.36, latency_p99_ms: 8200, requests_per_sec: 240, cpu_pct: 31 },
      recovered: { error_rate: 0.006, latency_p99_ms: 410, requests_per_sec: 262, cpu_pct: 29 },
      detail: { upstream_timeouts_inventory_per_min: 4120, upstream_timeouts_other_per_min: 2, orders_completed_per_min: 310, orders_completed_baseline_per_min: 1480 },
      logs: [
        '2026-03-14T10:14:02Z INFO  POST /v1/checkout 200 (388ms) order=o_99120',
        '2026-03-14T10:14:05Z ERROR POST /v1/checkout 504 - inventory-service GET /v1/stock/reserve timed out after 8000ms',
        '2026-03-14T10:14:06Z WARN  circuit breaker "inventory" half-open: 12/20 probes failed',
        '2026-03-14T10:14:08Z ERROR POST /v1/checkout 504 - inventory-service GET /v1/stock/reserve timed out after 8000ms',
        '2026-03-14T10:14:09Z INFO  published OrderPlaced to notifications (partition 3)',
        '2026-03-14T10:14:11Z ERROR checkout failed for cart c_55710: upstream inventory-service unavailable',
      ],
    },
    {
      name: 'inventory-service',
      owner: 'backend-team',
      depends_on: ['redis-cache', 'postgres-db'],
      overview: { error_rate: 0.12, latency_p99_ms: 7900, requests_per_sec: 1950, cpu_pct: 64 },
      recovered: { error_rate: 0.002, latency_p99_ms: 35, requests_per_sec: 2100, cpu_pct: 22 },
      detail: { cache_hit_ratio: 0.07, cache_hit_ratio_baseline: 0.96, cache_errors_per_min: 9800, db_fallback_reads_per_min: 9650, db_query_p99_ms: 3400 },
      logs: [
        '2026-03-14T10:13:40Z WARN  cache SET stock:sku_18830 failed: OOM command not allowed when used memory > \'maxmemory\'',
        '2026-03-14T10:13:41Z WARN  cache miss for stock:sku_40021, falling back to postgres-db (slow path)',
        '2026-03-14T10:13:44Z INFO  GET /v1/stock/sku_11207 200 (3120ms, source=db)',
        '2026-03-14T10:13:47Z WARN  cache SET stock:sku_20915 failed: OOM command not allowed when used memory > \'maxmemory\'',
        '2026-03-14T10:13:49Z ERROR GET /v1/stock/reserve 500 - db fallback exceeded 3000ms budget',
        '2026-03-14T10:13:52Z INFO  gc: young collection 14ms',
      ],
    },
    {
      name: 'redis-cache',
      owner: 'infra-team',
      depends_on: [],
      overview: { error_rate: 0.48, latency_p99_ms: 12, requests_per_sec: 21500, cpu_pct: 71, memory_used_pct: 100 },
      recovered: { error_rate: 0.0, latency_p99_ms: 2, requests_per_sec: 23800, cpu_pct: 35, memory_used_pct: 41 },
      detail: { used_memory_mb: 4096, maxmemory_mb: 4096, evicted_keys_per_min: 0, rejected_writes_per_min: 10240, keyspace_hit_ratio: 0.07, connected_clients: 412 },
      logs: [
        '2026-03-14T10:02:18Z WARN  used_memory 3.9G of maxmemory 4.0G (97%)',
        '2026-03-14T10:09:51Z WARN  maxmemory-policy is noeviction: writes will fail once maxmemory is reached',
        '2026-03-14T10:12:30Z ERROR OOM command not allowed when used memory > \'maxmemory\' (client=inventory-service)',
        '2026-03-14T10:12:31Z ERROR OOM command not allowed when used memory > \'maxmemory\' (client=inventory-service)',
        '2026-03-14T10:13:00Z INFO  Background saving started by pid 4412',
        '2026-03-14T10:13:05Z WARN  eviction disabled; 0 keys evicted while memory is full (session keys without TTL: 3.1M)',
      ],
    },
    {
      name: 'notification-service',
      owner: 'frontend-team',
      depends_on: [],
      overview: { error_rate: 0.004, latency_p99_ms: 140, requests_per_sec: 95, cpu_pct: 48, queue_depth: 5400 },
      detail: { consumer_lag_s: 96, emails_sent_per_min: 2900, campaign_batch_in_progress: 1 },
      logs: [
        '2026-03-14T10:00:00Z INFO  scheduled campaign "spring-sale" started: 480000 emails enqueued',
        '2026-03-14T10:11:20Z WARN  queue depth 5400 above threshold 5000 (campaign batch draining, eta 14m)',
        '2026-03-14T10:13:55Z INFO  consumer group healthy: 8/8 consumers, rebalance not needed',
      ],
    },
    {
      name: 'api-gateway',
      owner: 'infra-team',
      depends_on: ['checkout-service', 'inventory-service'],
      overview: { error_rate: 0.14, latency_p99_ms: 8300, requests_per_sec: 3900, cpu_pct: 29 },
      recovered: { error_rate: 0.004, latency_p99_ms: 450, requests_per_sec: 4020, cpu_pct: 28 },
      detail: { upstream_504_checkout_per_min: 3980, upstream_5xx_inventory_per_min: 610, upstream_5xx_other_per_min: 4 },
      logs: [
        '2026-03-14T10:14:05Z WARN  upstream checkout-service returned 504 for POST /api/v1/checkout (8011ms)',
        '2026-03-14T10:14:07Z INFO  route /api/v1/products 200 p50=22ms',
        '2026-03-14T10:14:08Z WARN  upstream checkout-service returned 504 for POST /api/v1/checkout (8004ms)',
      ],
    },
    {
      name: 'postgres-db',
      owner: 'database-team',
      depends_on: [],
      overview: { error_rate: 0.01, latency_p99_ms: 3300, requests_per_sec: 11200, cpu_pct: 88 },
      recovered: { error_rate: 0.0, latency_p99_ms: 41, requests_per_sec: 1600, cpu_pct: 31 },
      detail: { connections_active: 181, max_connections: 300, read_qps_inventory: 9650, read_qps_baseline: 420, slow_queries_per_min: 880 },
      logs: [
        '2026-03-14T10:13:10Z LOG   duration: 3188.220 ms  statement: SELECT qty, reserved FROM stock WHERE sku = $1',
        '2026-03-14T10:13:12Z LOG   checkpoint starting: time',
        '2026-03-14T10:13:20Z WARN  read load 23x baseline from application inventory-service',
        '2026-03-14T10:13:31Z LOG   duration: 3402.871 ms  statement: SELECT qty, reserved FROM stock WHERE sku = $1',
      ],
    },
  ],
  fixes: [
    { id: 'flush_redis_cache', effect: 'Stale session keys flushed; redis-cache memory drops to 41% and writes succeed again.' },
    { id: 'restart_checkout_service', effect: 'checkout-service pods restarted; timeouts to inventory-service resume immediately.' },
    { id: 'scale_up_redis', effect: 'A replica is being added to redis-cache; it inherits the same full keyspace and maxmemory, and writes still fail.' },
    { id: 'rollback_deployment', effect: 'checkout-service rolled back to the previous release; nothing changes.' },
    { id: 'increase_db_connections', effect: 'postgres-db max_connections raised; the database is CPU-bound, not connection-bound, and latency stays the same.' },
  ],
  alerts: [
    '[CRITICAL] checkout-service: error rate 36% (threshold 2%) for 12m',
    '[CRITICAL] api-gateway: /api/v1/checkout p99 latency 8300ms',
    '[WARNING] inventory-service: p99 latency 7900ms (threshold 300ms)',
    '[WARNING] postgres-db: CPU 88% for 10m',
    '[WARNING] redis-cache: memory usage 100% of maxmemory',
    '[WARNING] notification-service: queue depth 5400 (threshold 5000)',
  ],
  resolved_alerts: [
    '[RESOLVED] checkout-service: error rate back to 0.6%',
    '[RESOLVED] api-gateway: /api/v1/checkout p99 latency 450ms',
    '[RESOLVED] inventory-service: p99 latency 35ms',
    '[RESOLVED] postgres-db: CPU 31%',
    '[RESOLVED] redis-cache: memory usage 41% of maxmemory',
    '[WARNING] notification-service: queue depth 5100 (threshold 5000)',
  ],
  truth: {
    root_cause: 'redis-cache',
    team: 'infra-team',
    fix: 'flush_redis_cache',
    mechanism: 'redis-cache reached maxmemory with a noeviction policy, so cache writes failed (OOM); inventory-service fell back to slow postgres-db reads, and checkout-service timed out waiting for inventory.',
  },
  rubric: [
    { id: 'investigated_root_cause', kind: 'investigate', service: 'redis-cache', weight: 0.2, description: 'Investigate the service where the cascade starts' },
    { id: 'identified_cascade_origin', kind: 'identify_root_cause', weight: 0.2, description: 'State the cascade origin as the cause (one service, after investigating it)' },
    { id: 'correct_escalation', kind: 'escalate', weight: 0.2, description: 'Escalate to the team that owns the cascade origin' },
    { id: 'correct_fix', kind: 'fix', weight: 0.2, description: 'Apply the remediation that removes the root cause' },
    { id: 'postmortem_quality', kind: 'postmortem', weight: 0.2, description: 'Postmortem: root cause, mechanism, impact, remediation, prevention' },
  ],
  postmortem: {
    mechanism: [['memory', 'oom', 'out of memory', 'maxmemory'], ['evict', 'noeviction', 'writes fail', 'write failures', 'rejected writes'], ['fallback', 'fall back', 'fell back', 'falling back', 'slow path', 'database reads', 'db reads']],
    impact: [['checkout'], ['inventory'], ['timeout', 'timed out', 'latency', 'slow', '504', 'error']],
    remediation: [['flush', 'flushed', 'freed memory', 'cleared the cache']],
    prevention: [['ttl', 'eviction policy', 'allkeys lru', 'volatile lru', 'memory alert', 'alert', 'monitor', 'capacity', 'circuit breaker', 'maxmemory policy']],
  },
};
