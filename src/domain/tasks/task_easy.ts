import type { SeedScenario } from '../scenario.js';

/** payment-service returns 500s because postgres-db has hit its connection limit. */
export const taskEasy: SeedScenario = {
  kind: 'seed',
  id: 'task_easy',
  family: 'connection_pool_exhaustion',
  title: 'Single Service Outage',
  difficulty: 'easy',
  max_steps: 10,
  description:
    'The payment-service is returning 500 errors and customers cannot pay. Find the root cause, ' +
    'escalate to the team that owns it and apply the fix.',
  teams: ['database-team', 'backend-team', 'infra-team', 'security-team'],
  services: [
    {
      name: 'payment-service',
      owner: 'backend-team',
      depends_on: ['postgres-db', 'auth-service'],
      overview: { error_rate: 0.47, latency_p99_ms: 5120, requests_per_sec: 310, cpu_pct: 38 },
      recovered: { error_rate: 0.004, latency_p99_ms: 240, requests_per_sec: 325, cpu_pct: 34 },
      detail: { db_pool_active: 20, db_pool_max: 20, db_pool_wait_p99_ms: 5000, http_5xx_per_min: 8740, pods_ready: 6, pods_desired: 6 },
      logs: [
        '2026-03-14T08:41:07Z INFO  deploy: payment-service v2.14.1 rolled out to 6/6 pods (config-only change: receipt template)',
        '2026-03-14T09:02:11Z INFO  health: GET /healthz 200 (2ms)',
        '2026-03-14T09:02:13Z ERROR ChargeController: POST /v1/charges 500 - could not obtain connection from pool "payments" within 5000ms (active=20/20, waiting=34)',
        '2026-03-14T09:02:13Z ERROR db: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already',
        '2026-03-14T09:02:14Z WARN  HikariPool-payments: connection is not available, request timed out after 5000ms',
        '2026-03-14T09:02:15Z INFO  metrics: flushed 412 datapoints to collector',
        '2026-03-14T09:02:16Z ERROR ChargeController: POST /v1/charges 500 - could not obtain connection from pool "payments" within 5000ms (active=20/20, waiting=41)',
        '2026-03-14T09:02:18Z ERROR db: reconnect attempt 3 to postgres-db:5432 failed: FATAL: remaining connection slots are reserved for non-replication superuser connections',
        '2026-03-14T09:02:21Z INFO  auth: token verified for merchant m_7781 (cache hit)',
      ],
    },
    {
      name: 'postgres-db',
      owner: 'database-team',
      depends_on: [],
      overview: { error_rate: 0.21, latency_p99_ms: 940, requests_per_sec: 2260, cpu_pct: 46 },
      recovered: { error_rate: 0.0, latency_p99_ms: 38, requests_per_sec: 2410, cpu_pct: 49 },
      detail: { connections_active: 100, max_connections: 100, connections_waiting: 57, rejected_connections_per_min: 1310, replication_lag_s: 0.2, disk_used_pct: 61 },
      logs: [
        '2026-03-14T09:00:02Z LOG   checkpoint complete: wrote 1822 buffers (1.4%); write=29.1 s, sync=0.004 s',
        '2026-03-14T09:01:55Z LOG   connection received: host=10.4.7.22 port=51844 (reporting-batch)',
        '2026-03-14T09:02:12Z FATAL sorry, too many clients already',
        '2026-03-14T09:02:12Z FATAL remaining connection slots are reserved for non-replication superuser connections',
        '2026-03-14T09:02:13Z WARN  connections at 100/100 (max_connections); 57 clients waiting in the pooler',
        '2026-03-14T09:02:14Z LOG   automatic vacuum of table "payments.public.ledger_entries": index scans: 1',
        '2026-03-14T09:02:15Z FATAL sorry, too many clients already',
        '2026-03-14T09:02:19Z LOG   duration: 912.403 ms  statement: SELECT * FROM ledger_entries WHERE merchant_id = $1 ORDER BY created_at DESC',
      ],
    },
    {
      name: 'api-gateway',
      owner: 'infra-team',
      depends_on: ['payment-service', 'auth-service'],
      overview: { error_rate: 0.19, latency_p99_ms: 5300, requests_per_sec: 1480, cpu_pct: 27 },
      recovered: { error_rate: 0.003, latency_p99_ms: 260, requests_per_sec: 1510, cpu_pct: 26 },
      detail: { upstream_5xx_payment_service_per_min: 8690, upstream_5xx_other_per_min: 3, active_connections: 2210, tls_handshake_errors_per_min: 0 },
      logs: [
        '2026-03-14T09:02:13Z WARN  upstream payment-service returned 500 for POST /api/v1/charges (5004ms)',
        '2026-03-14T09:02:14Z INFO  route /api/v1/catalog 200 p50=31ms',
        '2026-03-14T09:02:16Z WARN  upstream payment-service returned 500 for POST /api/v1/charges (5002ms)',
        '2026-03-14T09:02:20Z INFO  config reload: 0 routes changed',
      ],
    },
    {
      name: 'auth-service',
      owner: 'security-team',
      depends_on: [],
      overview: { error_rate: 0.002, latency_p99_ms: 45, requests_per_sec: 890, cpu_pct: 22 },
      detail: { token_verifications_per_min: 53100, token_failures_per_min: 96, cache_hit_ratio: 0.97 },
      logs: [
        '2026-03-14T09:01:58Z INFO  jwks refreshed (3 keys)',
        '2026-03-14T09:02:10Z WARN  rejected expired token for user u_55103 (expired 2m ago)',
        '2026-03-14T09:02:17Z INFO  GET /healthz 200 (1ms)',
      ],
    },
  ],
  fixes: [
    { id: 'increase_db_connections', effect: 'max_connections raised from 100 to 300 and the pooler reloaded; waiting clients drain within a minute.' },
    { id: 'restart_payment_service', effect: 'Pods restarted; within 30 seconds every pool connection is waiting again and 500s resume.' },
    { id: 'rollback_deployment', effect: 'payment-service rolled back to v2.14.0; the 500s continue unchanged.' },
    { id: 'scale_up_pods', effect: 'payment-service scaled to 10 pods; the new pods cannot get database connections either and errors rise.' },
  ],
  alerts: [
    '[CRITICAL] payment-service: HTTP 5xx rate 47% (threshold 5%) for 10m',
    '[CRITICAL] api-gateway: /api/v1/charges error rate 19% for 10m',
    '[WARNING] postgres-db: connection count at 100% of max_connections',
    '[WARNING] payment-service: p99 latency 5120ms (threshold 800ms)',
  ],
  resolved_alerts: [
    '[RESOLVED] payment-service: HTTP 5xx rate back to 0.4%',
    '[RESOLVED] api-gateway: /api/v1/charges error rate back to 0.3%',
    '[RESOLVED] postgres-db: connection count at 62% of max_connections',
  ],
  truth: {
    root_cause: 'postgres-db',
    team: 'database-team',
    fix: 'increase_db_connections',
    mechanism: 'postgres-db reached max_connections (100/100); new connections were refused, so payment-service requests timed out waiting for a pool connection and returned 500.',
  },
  rubric: [
    { id: 'investigated_root_cause', kind: 'investigate', service: 'postgres-db', weight: 0.3, description: 'Investigate the root-cause service' },
    { id: 'correct_escalation', kind: 'escalate', weight: 0.3, description: 'Escalate to the team that owns the root cause' },
    { id: 'correct_fix', kind: 'fix', weight: 0.4, description: 'Apply the remediation that removes the root cause' },
  ],
  postmortem: {
    mechanism: [['connection', 'connections'], ['max connections', 'limit', 'too many clients', 'exhaust', 'saturat', '100/100']],
    impact: [['payment', 'checkout', 'charges'], ['500', 'error', 'fail']],
    remediation: [['increase db connections', 'increased', 'raised', 'raise max connections', 'increase max connections']],
    prevention: [['alert', 'monitor', 'pgbouncer', 'pooler', 'capacity', 'load test', 'connection budget']],
  },
};
