/**
 * General SRE knowledge the rule agent reasons with: which words in a log line point at which
 * kind of dependency, and which failure signatures call for which kind of remediation. It names
 * no task, service or answer; the same knowledge applies to any incident.
 */

/** Words that identify a service's kind from its name. */
export const KIND_BY_NAME: Record<string, readonly string[]> = {
  cache: ['cache', 'redis', 'memcached'],
  db: ['db', 'postgres', 'mysql', 'database'],
  queue: ['kafka', 'rabbitmq', 'queue'],
  dns: ['dns'],
  config: ['config', 'settings', 'vault', 'secret'],
  auth: ['auth', 'identity'],
};

/** Words in a log line that implicate a dependency of a given kind. */
export const KIND_BY_SYMPTOM: Record<string, readonly string[]> = {
  cache: ['cache set', 'cache get', 'maxmemory', 'oom command', 'storing object'],
  db: ['too many clients', 'too many connections', 'connection slots', 'psqlexception', 'sqlstate', 'obtain connection', 'obtain a connection', 'db:'],
  dns: ['no such host', 'nxdomain', 'lookup ', 'servfail'],
  config: ['kid=', 'kid ', 'signing key', 'secret'],
  queue: ['broker', 'back-pressure', 'publish to'],
};

/** Words that make a log line a failure report rather than chatter. */
export const FAILURE_WORDS = ['fail', 'error', 'timed out', 'timeout', 'refused', 'unavailable', 'too many', 'oom', 'out of memory', 'rejected', 'invalid', 'expired', 'no such host', 'stale', '5xx', ' 500 ', ' 503 ', 'reset', 'slow', ' lag ', 'behind', 'throttled', 'no reachable', 'offset +', 'future', 'blocked', 'conflict'];

/** Phrases after which a service is a fallback, not a suspect. */
export const FALLBACK_PHRASES = ['falling back to', 'fall back to', 'fell back to'];

/** Phrases that mark a line as speculation ("possible cause: X") rather than an observed failure. */
export const SPECULATION = ['possible cause', 'maybe', 'suspect'];

export interface RemedyRule {
  /** Any of these in the root's logs or alerts... */
  signs: readonly string[];
  /** ...calls for a fix whose id has all of these words. */
  verbs: readonly string[];
  /** How the mechanism is usually described. */
  mechanism: string;
  prevention: string;
}

export const REMEDIES: readonly RemedyRule[] = [
  { signs: ['too many clients', 'too many connections', 'max_connections', 'connection slots'], verbs: ['increase', 'connections'], mechanism: 'the database ran out of connections: max connections was exhausted and new connections were refused, so callers timed out waiting for a pooled connection', prevention: 'alert on connection saturation, give batch jobs their own connection budget and load test the pool limits' },
  { signs: ['oom command', 'maxmemory', 'out of memory storing', 'limit_maxbytes', 'evictions disabled'], verbs: ['flush'], mechanism: 'the cache ran out of memory with eviction disabled, so writes failed (OOM) and callers fell back to a slow path', prevention: 'set TTLs on every key, use an LRU eviction policy and alert on cache memory' },
  { signs: ['targets updated', 'marked complete with', 'push signing-key', 'push jwt-signing-key', 'rollout secret'], verbs: ['complete', 'rotation'], mechanism: 'a secret rotation reached only some replicas (a partial rollout), so tokens signed with the new key failed verification on replicas with the stale key', prevention: 'make secret rollouts atomic, verify every target and alert on a partial rollout' },
  { signs: ['x509', 'certificate has expired', 'bad certificate'], verbs: ['renew', 'certificate'], mechanism: 'the TLS certificate expired after its automatic renewal failed, so handshakes failed', prevention: 'alert on certificate expiry well ahead of time and monitor the renewal job' },
  { signs: ['feature flag'], verbs: ['flag'], mechanism: 'a feature flag was rolled out to 100% and its new code path throws an exception', prevention: 'roll flags out gradually with automatic rollback on error-rate alerts' },
  { signs: ['oomkilled', 'heap limit', 'java heap space', 'heap after full gc'], verbs: ['restart'], mechanism: 'a memory leak grew the heap until pods were OOM-killed', prevention: 'alert on memory growth and add a memory-leak regression test' },
  { signs: ['no space left', 'disk is full', 'disk free limit'], verbs: ['expand', 'volume'], mechanism: 'the data volume filled up (no space left), so writes failed', prevention: 'alert on disk usage and cap log retention' },
  { signs: ['failed to deserialize', 'retrying message at offset', 'partition blocked'], verbs: ['skip', 'poison'], mechanism: 'a poison (malformed) message made consumers fail and retry forever, blocking the partition so the backlog and lag grew', prevention: 'send failing messages to a dead-letter queue after a few retries and validate the producer schema' },
  { signs: ['zone update', 'nxdomain', 'does not exist'], verbs: ['revert', 'dns'], mechanism: 'a DNS zone change broke a record, so lookups failed (NXDOMAIN) and callers could not resolve a healthy service', prevention: 'validate zone changes before applying them and alert on NXDOMAIN spikes' },
  { signs: ['replay lag', 'seconds_behind_master', 'conflict with recovery', 'metadata lock'], verbs: ['primary'], mechanism: 'the read replica fell behind because a long-running query blocked replay, so reads were stale (replication lag)', prevention: 'alert on replica lag and move long analytics queries off the serving replica' },
  { signs: ['cpu throttled', 'cfs periods'], verbs: ['cpu'], mechanism: 'the service was CPU throttled because a noisy neighbour landed on its node', prevention: 'require CPU limits on every workload and alert on throttling' },
  { signs: ['rate limit config', '429 too many requests'], verbs: ['restore', 'rate'], mechanism: 'a config change lowered the rate limit, clients got 429s and their retries became a retry storm', prevention: 'review rate-limit changes and alert on 429 spikes' },
  { signs: ['clock offset', 'time sources', 'in the future'], verbs: ['clock'], mechanism: 'the clock drifted (skew) after time sync was lost, so tokens were issued in the future', prevention: 'alert on clock offset and time-sync health' },
  { signs: ['503 service unavailable', 'status page', 'circuit breaker for'], verbs: ['failover'], mechanism: 'an external provider (third party) had an outage and returned 503s', prevention: 'fail over to a secondary provider automatically and monitor the vendor status' },
  { signs: ['rolled out to', 'deploy:'], verbs: ['rollback'], mechanism: 'a bad deploy shipped a regression (an exception in the new release)', prevention: 'canary every release with automatic rollback on error-rate alerts' },
];
