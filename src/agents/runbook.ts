/**
 * General SRE knowledge the rule agent reasons with: which words in a service's own logs or
 * metrics mark which failure, what that failure calls for, and how it is usually described.
 * It names no task, service or answer; the same knowledge applies to any incident, and it holds
 * no phrase that only the held-out split uses (a test checks).
 */

/** Tiers the words of a service name suggest (edge, data stores, platform pieces). */
export const TIER_BY_NAME: Record<string, readonly string[]> = {
  edge: ['gateway', 'edge', 'proxy', 'ingress'],
  cache: ['cache', 'redis', 'memcached'],
  db: ['db', 'postgres', 'mysql', 'database'],
  queue: ['kafka', 'rabbitmq', 'queue'],
  dns: ['dns', 'coredns'],
  config: ['config', 'settings'],
  secrets: ['vault', 'secret', 'secrets'],
  auth: ['auth', 'identity'],
  thirdparty: ['connector', 'stripe', 'sendgrid', 'twilio', 'relay', 'bridge'],
};

/** Words that make a log line a failure report rather than chatter. */
export const FAILURE_WORDS = ['fail', 'error', 'timed out', 'timeout', 'refused', 'unavailable', 'too many', 'oom', 'rejected', 'invalid', 'expired', 'no such host', 'stale', '503', '500', '504', '401', '429', 'reset', 'deadline', 'exhausted', 'blocked', 'not found', 'no route', 'denied', 'future'];

/** A failure that says the service is waiting on someone else, without saying on whom: not its own fault. */
export const WAITING_ON_OTHERS = ['downstream responses', 'outbound calls'];

/** Stack-trace client classes (`LedgerRepository`) and the kind of dependency each one calls. */
export const CLIENT_CLASSES: Record<string, string> = { repository: 'db', cacheclient: 'cache', authclient: 'auth', gateway: 'thirdparty', client: 'api' };

/** Phrases after which a named service is a fallback or a client, not a suspect. */
export const NOT_A_SUSPECT = ['falling back to', 'client=', 'from application_name=', "from user '", "breaker '", 'breaker '];

export type Where = 'self' | 'dns' | 'config' | 'secrets' | 'named' | 'keys';

export interface RemedyRule {
  id: string;
  /** Any of these in a service's own logs (lower case)... */
  signs: readonly string[];
  /** ...on a service of one of these tiers (any when absent)... */
  tiers?: readonly string[];
  /** ...calls for this remediation kind... */
  kind: string;
  /** ...on the service itself, or on the platform service the symptom points at. */
  where: Where;
  mechanism: string;
  prevention: string;
}

export const REMEDIES: readonly RemedyRule[] = [
  { id: 'connection-leak', signs: ['idle in transaction', 'checkout held'], kind: 'rollback', where: 'named', mechanism: 'the application leaks database connections: connections are never released back to the pool, so the pool is exhausted and requests time out waiting for a connection', prevention: 'alert on pool saturation and on idle-in-transaction sessions, and test connection handling in review' },
  { id: 'db-connections', signs: ['too many clients', 'max_connections', 'connection slots'], tiers: ['db'], kind: 'raise_connection_limit', where: 'self', mechanism: 'the database ran out of connections: its connection limit was exhausted and new connections were refused, so callers timed out waiting for a pooled connection', prevention: 'alert on connection saturation, give batch jobs their own connection budget and load test the pool limits' },
  { id: 'cache-memory', signs: ['oom', 'maxmemory', 'no ttl'], tiers: ['cache'], kind: 'flush_cache', where: 'self', mechanism: 'the cache hit its memory limit with eviction disabled, so writes failed (OOM) and callers fell back to a slow path', prevention: 'set TTLs on every key, use an LRU eviction policy and alert on cache memory' },
  { id: 'db-credentials', signs: ['password authentication failed', 'access denied'], kind: 'complete_rollout', where: 'secrets', mechanism: 'the database password was rotated but a client kept the old password (a stale credential), so its logins failed with authentication errors', prevention: 'make credential rotation wait for every client to acknowledge and alert on authentication failures' },
  { id: 'partial-rollout', signs: ['2/3', 'marked complete'], tiers: ['config', 'secrets'], kind: 'complete_rollout', where: 'self', mechanism: 'a secret rotation reached only some targets (a partial rollout), so clients still holding the previous secret failed verification', prevention: 'make rollouts atomic with retries, verify every target and alert on a partial rollout' },
  { id: 'signing-key', signs: ['kid', 'signature invalid', 'signing key', 'unknown key id'], kind: 'complete_rollout', where: 'keys', mechanism: 'a signing-secret rotation reached only some replicas (a partial rollout), so tokens signed with the new key failed verification on replicas with the stale key', prevention: 'make secret rollouts atomic with retries, verify every target and alert on a partial rollout' },
  { id: 'config-push', signs: ['config revision', 'config rev', 'filter evaluation', 'regex backtracking'], kind: 'revert_config', where: 'config', mechanism: 'a bad configuration revision (an invalid value or a pathological filter) was pushed to every watcher, which applied it and failed', prevention: 'validate configuration before pushing it and roll changes out gradually with automatic revert' },
  { id: 'cert', signs: ['x509', 'certificate has expired', 'bad certificate'], tiers: ['api', 'auth', 'edge'], kind: 'renew_credentials', where: 'self', mechanism: 'the TLS certificate expired, so every client handshake failed', prevention: 'alert on certificate expiry well ahead of time and monitor the renewal job' },
  { id: 'api-credential', signs: ['401', 'unauthorized', 'revoked', 'key expired', 'credential expired'], tiers: ['thirdparty'], kind: 'renew_credentials', where: 'self', mechanism: 'the API credential for the provider expired or was revoked, so the provider rejected every call with 401 unauthorized', prevention: 'alert on credential expiry and automate key renewal' },
  // Known from the dashboard only (breakers held open): a breaker logged beside errors of its own is a symptom.
  { id: 'breaker-open', signs: [], tiers: ['api'], kind: 'restart', where: 'self', mechanism: 'a circuit breaker guarding a dependency opened during a brief blip of that dependency and stayed open, so the service answered from its fallback with HTTP 200 while business transactions failed silently', prevention: 'alert on fallback responses and on breakers that stay open, and test that half-open trial calls can succeed' },
  { id: 'provider-outage', signs: ['503', 'status page', 'status feed', 'timed out', 'deadline exceeded'], tiers: ['thirdparty'], kind: 'failover', where: 'self', mechanism: 'the external provider (a third party) had an outage and was unavailable, so every call through it failed', prevention: 'fail over to a secondary provider automatically and monitor the vendor status' },
  { id: 'poison-message', signs: ['deserialize', 'unmarshal', 'retrying message', 'redelivery', 'exceeds', 'cannot make progress'], tiers: ['worker'], kind: 'dead_letter', where: 'self', mechanism: 'a poison (malformed or oversized) message made consumers fail and retry forever, blocking the queue so the backlog and lag grew', prevention: 'send failing messages to a dead-letter queue after a few retries and validate the producer schema' },
  { id: 'disk', signs: ['no space left'], tiers: ['db', 'queue'], kind: 'grow_volume', where: 'self', mechanism: 'the data volume filled up (disk full, no space left), so writes failed', prevention: 'alert on disk usage and cap log retention' },
  { id: 'dns', signs: ['nxdomain', 'no such host', 'enotfound', 'etimedout', 'does not exist', 'no route to host', 'restored from backup'], kind: 'revert_config', where: 'dns', mechanism: 'a DNS zone change broke a record, so lookups failed or resolved to a wrong address and callers could not reach a healthy service', prevention: 'validate zone changes before applying them and alert on NXDOMAIN spikes' },
  { id: 'replica-blocked', signs: ['metadata lock', 'replay waiting', 'conflict with recovery'], tiers: ['db'], kind: 'terminate_query', where: 'self', mechanism: 'a long-running query on the read replica blocked replication replay, so the replica fell behind (replication lag) and reads were stale', prevention: 'run long analytics queries off the serving replica and cap how long a query may block replay' },
  { id: 'replica-lag', signs: ['replay lag', 'seconds_behind', 'falling behind'], tiers: ['db'], kind: 'route_reads_to_primary', where: 'self', mechanism: 'the read replica fell behind (replication lag), so reads were stale', prevention: 'alert on replica lag and move long queries and backups off the serving replica' },
  { id: 'dropped-index', signs: ['drop index', 'dropped index'], tiers: ['db'], kind: 'create_index', where: 'self', mechanism: 'a migration dropped an index, so a frequent query became a full table scan (runaway query) that saturated the database CPU and slowed every query', prevention: 'review migrations that drop indexes and alert on full table scans' },
  { id: 'runaway-query', signs: ['seq scan', 'still waiting for', 'waiting on locks'], tiers: ['db'], kind: 'terminate_query', where: 'self', mechanism: 'a runaway query (a full table scan after a dropped index, or a transaction holding locks) saturated the database, blocking other queries', prevention: 'review migrations that drop indexes, set statement and idle-transaction timeouts, and alert on lock waits' },
  { id: 'clock', signs: ['clock offset', 'clock wrong', 'in the future', 'before issued', 'time sources', 'synchronise'], tiers: ['api', 'auth'], kind: 'resync_clock', where: 'self', mechanism: 'the clock drifted (skew) after time sync was lost, so tokens were issued in the future', prevention: 'alert on clock offset and time-sync health' },
  { id: 'cpu-throttling', signs: ['throttled', 'cfs periods', 'nr_throttled'], tiers: ['api', 'auth', 'worker'], kind: 'reschedule', where: 'self', mechanism: 'the service was CPU throttled (a noisy neighbour or a lowered CPU limit), so requests queued and timed out', prevention: 'require CPU limits on every workload and alert on throttling' },
  { id: 'node-network', signs: ['retransmit', 'conntrack', 'rx errors', 'crc errors', 'dropping packet'], tiers: ['api', 'auth', 'worker'], kind: 'reschedule', where: 'self', mechanism: 'a node with a degraded network (packet loss) hosted most of the service pods, so requests to them timed out', prevention: 'alert on node network errors and spread pods across nodes' },
  { id: 'autoscaler', signs: ['maxreplicas', 'max_instances', 'desired replicas', 'scaling recommendation', 'holding at'], tiers: ['api', 'worker'], kind: 'scale_out', where: 'self', mechanism: 'the autoscaler was capped or blind, so the service could not scale with traffic and its capacity saturated', prevention: 'alert when desired replicas exceed the maximum and review autoscaler policy changes' },
  { id: 'thread-pool', signs: ['thread pool exhausted', 'pool saturated', 'thread dump', 'goroutine'], tiers: ['api'], kind: 'rollback', where: 'self', mechanism: 'a release made calls without a timeout; slow responses held every worker thread, so the thread pool was exhausted and requests queued until they failed', prevention: 'enforce client timeouts in review and alert on thread pool saturation' },
  { id: 'memory-leak', signs: ['oomkilled', 'heap', 'outofmemoryerror'], tiers: ['api', 'worker'], kind: 'restart', where: 'self', mechanism: 'a memory leak grew the heap until pods were OOM-killed', prevention: 'alert on memory growth and add a memory-leak regression test' },
  { id: 'rate-limit', signs: ['429', 'rate limit', 'limiting requests'], tiers: ['edge'], kind: 'revert_config', where: 'self', mechanism: 'a rate limit config change rejected legitimate traffic with 429 too many requests, and client retries became a retry storm', prevention: 'review rate-limit changes and alert on 429 spikes' },
  { id: 'feature-flag', signs: ['flag'], tiers: ['api'], kind: 'disable_flag', where: 'self', mechanism: 'a feature flag was rolled out to 100% and its new code path fails (a bug)', prevention: 'roll flags out gradually with automatic rollback on error-rate alerts' },
  { id: 'bad-deploy', signs: ['exception', 'typeerror', 'not set', 'panic'], tiers: ['api', 'worker'], kind: 'rollback', where: 'self', mechanism: 'a bad deploy shipped a regression (an exception or a crash in the new release)', prevention: 'canary every release with automatic rollback on error-rate alerts' },
];

/** Detail metrics that mark a service as failing on its own (name, bound, above?). */
export const ANOMALIES: readonly { metric: string; bound: number; above: boolean }[] = [
  { metric: 'connections_used_pct', bound: 90, above: true },
  { metric: 'memory_used_pct', bound: 95, above: true },
  { metric: 'disk_used_pct', bound: 98, above: true },
  { metric: 'replication_lag_s', bound: 60, above: true },
  { metric: 'cpu_throttled_pct', bound: 40, above: true },
  { metric: 'clock_offset_s', bound: 1, above: true },
  { metric: 'last_rollout_failed', bound: 0, above: true },
  { metric: 'jobs_per_min', bound: 1, above: false },
  { metric: 'upstream_2xx_ratio', bound: 0.5, above: false },
  { metric: 'longest_query_s', bound: 300, above: true },
  { metric: 'lock_waits', bound: 50, above: true },
  { metric: 'tcp_retransmits_pct', bound: 5, above: true },
  { metric: 'conntrack_used_pct', bound: 95, above: true },
  { metric: 'db_pool_wait_ms', bound: 1000, above: true },
  { metric: 'restarts_last_hour', bound: 3, above: true },
  { metric: 'nxdomain_per_min', bound: 500, above: true },
  { metric: 'requests_429_per_min', bound: 1000, above: true },
];

/** How a remediation kind is usually worded in a named fix id ("increase_db_connections"). */
export const KIND_WORDS: Record<string, readonly string[]> = {
  raise_connection_limit: ['connections'],
  flush_cache: ['flush'],
  complete_rollout: ['complete'],
  rollback: ['rollback'],
  restart: ['restart'],
  scale_out: ['scale'],
};

/** Well-known ports and the kind of service that listens on them. */
export const TIER_BY_PORT: Record<string, readonly string[]> = {
  '5432': ['db'], '3306': ['db'], '6379': ['cache'], '11211': ['cache'], '9092': ['queue'], '5672': ['queue'],
  '53': ['dns'], '8500': ['config'], '2379': ['config'], '8200': ['secrets'], '8443': ['auth'], '8080': ['api', 'worker', 'auth'], '443': ['edge', 'thirdparty'],
};
