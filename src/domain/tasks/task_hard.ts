import type { SeedScenario } from '../scenario.js';

/**
 * config-service rotated the JWT signing secret on only 2 of 3 auth-service replicas, so a
 * token issued by one replica fails verification on another: intermittent 401s, and audit
 * events signed with the stale secret are dropped (the data-corruption risk).
 */
export const taskHard: SeedScenario = {
  kind: 'seed',
  id: 'task_hard',
  family: 'partial_secret_rotation',
  title: 'Intermittent Auth Failure with Data Corruption Risk',
  difficulty: 'hard',
  max_steps: 20,
  description:
    'Users intermittently fail to authenticate and audit events are going missing. Investigate, ' +
    'identify the root cause, escalate to the owning team, apply the fix and write a detailed postmortem.',
  teams: ['security-team', 'backend-team', 'infra-team', 'database-team', 'frontend-team'],
  services: [
    {
      name: 'auth-service',
      owner: 'security-team',
      depends_on: ['config-service', 'redis-cache'],
      overview: { error_rate: 0.31, latency_p99_ms: 62, requests_per_sec: 2900, cpu_pct: 35, replicas: 3 },
      recovered: { error_rate: 0.003, latency_p99_ms: 48, requests_per_sec: 2950, cpu_pct: 33, replicas: 3 },
      detail: { replica_0_401_rate: 0.34, replica_1_401_rate: 0.33, replica_2_401_rate: 0.67, replica_0_key_version: 42, replica_1_key_version: 42, replica_2_key_version: 41, tokens_issued_per_min: 11800 },
      logs: [
        '2026-03-14T11:20:03Z INFO  [auth-service-0] signing key reloaded from config-service: kid=jwt-v42',
        '2026-03-14T11:20:03Z INFO  [auth-service-1] signing key reloaded from config-service: kid=jwt-v42',
        '2026-03-14T11:24:17Z WARN  [auth-service-2] token verification failed: signature invalid (token kid=jwt-v42, local kid=jwt-v41)',
        '2026-03-14T11:24:18Z WARN  [auth-service-0] token verification failed: unknown kid jwt-v41 (token issued by auth-service-2)',
        '2026-03-14T11:24:19Z INFO  [auth-service-1] POST /v1/token 200 user=u_20117',
        '2026-03-14T11:24:21Z WARN  [auth-service-2] token verification failed: signature invalid (token kid=jwt-v42, local kid=jwt-v41)',
        '2026-03-14T11:24:22Z INFO  [auth-service-2] GET /healthz 200 (1ms)',
        '2026-03-14T11:24:25Z WARN  [auth-service-1] token verification failed: unknown kid jwt-v41 (token issued by auth-service-2)',
      ],
    },
    {
      name: 'config-service',
      owner: 'security-team',
      depends_on: [],
      overview: { error_rate: 0.0, latency_p99_ms: 30, requests_per_sec: 40, cpu_pct: 9 },
      detail: { last_rollout_targets: 3, last_rollout_succeeded: 2, last_rollout_failed: 1, secret_version_latest: 42 },
      logs: [
        '2026-03-14T11:19:58Z INFO  rollout secret/jwt-signing-key v41 -> v42 started (targets: auth-service-0, auth-service-1, auth-service-2)',
        '2026-03-14T11:20:03Z INFO  push jwt-signing-key v42 to auth-service-0: OK',
        '2026-03-14T11:20:03Z INFO  push jwt-signing-key v42 to auth-service-1: OK',
        '2026-03-14T11:20:33Z ERROR push jwt-signing-key v42 to auth-service-2: timeout after 30s (no retry configured)',
        '2026-03-14T11:20:33Z WARN  rollout secret/jwt-signing-key v42 marked COMPLETE with 2/3 targets updated',
        '2026-03-14T11:22:00Z INFO  GET /v1/config/feature-flags 200 (4ms)',
      ],
    },
    {
      name: 'user-service',
      owner: 'backend-team',
      depends_on: ['auth-service'],
      overview: { error_rate: 0.29, latency_p99_ms: 180, requests_per_sec: 1300, cpu_pct: 24 },
      recovered: { error_rate: 0.004, latency_p99_ms: 95, requests_per_sec: 1320, cpu_pct: 23 },
      detail: { upstream_401_from_auth_per_min: 22400, sessions_invalidated_per_min: 740 },
      logs: [
        '2026-03-14T11:24:18Z WARN  GET /v1/profile 401 - token rejected by auth-service',
        '2026-03-14T11:24:19Z INFO  GET /v1/profile 200 user=u_88120',
        '2026-03-14T11:24:20Z WARN  session s_7741 invalidated after 401 from auth-service; user forced to log in again',
        '2026-03-14T11:24:23Z INFO  cache warmup complete (users: 120000)',
      ],
    },
    {
      name: 'audit-log',
      owner: 'backend-team',
      depends_on: ['auth-service'],
      overview: { error_rate: 0.33, latency_p99_ms: 75, requests_per_sec: 610, cpu_pct: 18 },
      recovered: { error_rate: 0.0, latency_p99_ms: 60, requests_per_sec: 640, cpu_pct: 18 },
      detail: { events_dropped_per_min: 204, events_written_per_min: 406, signature_mismatch_per_min: 204 },
      logs: [
        '2026-03-14T11:24:17Z ERROR event dropped: service token signature mismatch (kid=jwt-v41), event=funds.transfer user=u_30218',
        '2026-03-14T11:24:20Z INFO  batch committed: 412 events',
        '2026-03-14T11:24:24Z ERROR event dropped: service token signature mismatch (kid=jwt-v41), event=account.update user=u_61577',
        '2026-03-14T11:24:26Z WARN  audit trail gap detected for 3 accounts in the last 5 minutes',
      ],
    },
    {
      name: 'api-gateway',
      owner: 'infra-team',
      depends_on: ['auth-service', 'user-service'],
      overview: { error_rate: 0.3, latency_p99_ms: 210, requests_per_sec: 5200, cpu_pct: 30 },
      recovered: { error_rate: 0.004, latency_p99_ms: 120, requests_per_sec: 5250, cpu_pct: 30 },
      detail: { responses_401_per_min: 93600, responses_401_baseline_per_min: 900, upstream_5xx_per_min: 12 },
      logs: [
        '2026-03-14T11:24:18Z WARN  401 from auth-service for GET /api/v1/profile (user retried, succeeded on 2nd attempt)',
        '2026-03-14T11:24:19Z INFO  route /api/v1/search 200 p50=44ms',
        '2026-03-14T11:24:22Z WARN  401 rate 30% across routes behind auth (baseline 0.3%)',
      ],
    },
    {
      name: 'redis-cache',
      owner: 'infra-team',
      depends_on: [],
      overview: { error_rate: 0.0, latency_p99_ms: 3, requests_per_sec: 8800, cpu_pct: 26, memory_used_pct: 58 },
      detail: { evicted_keys_per_min: 35, keyspace_hit_ratio: 0.93, connected_clients: 220 },
      logs: [
        '2026-03-14T11:15:02Z WARN  latency spike 41ms on SCAN (client=ops-dashboard)',
        '2026-03-14T11:21:10Z INFO  Background saving terminated with success',
        '2026-03-14T11:24:00Z INFO  35 keys evicted (volatile-lru)',
      ],
    },
  ],
  fixes: [
    { id: 'complete_secret_rotation', effect: 'config-service re-pushed jwt-signing-key v42 to auth-service-2 with retries; all 3 replicas now report kid=jwt-v42.' },
    { id: 'rollback_jwt_secret', effect: 'Signing key rolled back to v41 on all replicas; every token issued with v42 in the last minutes is now rejected and users are logged out en masse.' },
    { id: 'restart_auth_service', effect: 'auth-service restarted; auth-service-2 reloads its local secret v41 and the 401s continue.' },
    { id: 'flush_redis_cache', effect: 'redis-cache flushed; cached sessions are lost and users must log in again, but the 401s continue.' },
    { id: 'scale_up_auth_replicas', effect: 'A fourth auth-service replica starts with the latest secret; one replica in four still has the old one and the 401s continue.' },
  ],
  alerts: [
    '[CRITICAL] api-gateway: HTTP 401 rate 30% (baseline 0.3%) for 6m',
    '[CRITICAL] audit-log: events dropped (204/min): audit trail integrity at risk',
    '[WARNING] auth-service: token verification failures 31%',
    '[WARNING] user-service: sessions invalidated 740/min',
    '[INFO] redis-cache: latency spike 41ms (SCAN)',
  ],
  resolved_alerts: [
    '[RESOLVED] api-gateway: HTTP 401 rate back to 0.4%',
    '[RESOLVED] audit-log: no events dropped in the last 5m',
    '[RESOLVED] auth-service: token verification failures 0.3%',
    '[RESOLVED] user-service: sessions invalidated 6/min',
  ],
  truth: {
    root_cause: 'config-service',
    team: 'security-team',
    fix: 'complete_secret_rotation',
    mechanism: 'config-service rotated the JWT signing secret (v41 to v42) but the push to auth-service-2 timed out and the rollout was marked complete with 2/3 replicas updated; tokens signed by one replica failed verification on another, giving intermittent 401s and dropped audit events.',
  },
  rubric: [
    { id: 'investigated_origin_service', kind: 'investigate', service: 'config-service', weight: 0.15, description: 'Investigate the service where the fault originates' },
    { id: 'investigated_failing_service', kind: 'investigate', service: 'auth-service', weight: 0.1, description: 'Investigate the service where the failures show' },
    { id: 'identified_root_cause', kind: 'identify_root_cause', weight: 0.2, description: 'State the root-cause service as the cause (one service, after investigating it)' },
    { id: 'correct_escalation', kind: 'escalate', weight: 0.15, description: 'Escalate to the team that owns the root cause' },
    { id: 'correct_fix', kind: 'fix', weight: 0.2, description: 'Apply the remediation that removes the root cause' },
    { id: 'postmortem_quality', kind: 'postmortem', weight: 0.2, description: 'Postmortem: root cause, mechanism, impact, remediation, prevention' },
  ],
  postmortem: {
    mechanism: [
      ['jwt', 'token'],
      ['secret', 'signing key', 'key version', 'kid'],
      ['rotation', 'rotate', 'rotated', 'rollout', 'rolled out'],
      ['partial', '2/3', '2 of 3', 'two of three', 'one replica', 'auth service 2', 'stale', 'old secret', 'old key', 'mismatch'],
    ],
    impact: [['401', 'authenticat', 'login', 'log in', 'logged out'], ['intermittent', 'sporadic', 'random', 'non deterministic', 'nondeterministic', 'some requests', 'one in three'], ['audit']],
    remediation: [['complete secret rotation', 'completed the rotation', 'complete the rotation', 'completing the rotation', 're pushed', 'repushed', 'pushed the new secret', 'pushed v42', 'all replicas', 'all three replicas']],
    prevention: [['verify', 'verification', 'validate', 'health check', 'canary', 'atomic', 'all or nothing', 'retry', 'retries', 'alert', 'monitor', 'fail the rollout']],
  },
};
