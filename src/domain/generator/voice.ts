/**
 * How each kind of service logs, in each split's wording. Routine lines differ by tier (a
 * cache never logs HTTP requests, a consumer never serves GETs) and carry jittered counters;
 * the test split words the same events differently, as a different stack would.
 */
import { hash32, type Rng } from './rng.js';
import type { RemedyKind } from './kinds.js';
import type { Level, Node, Split, Tier } from './types.js';

type Line = { level: Level; msg: string };
/**
 * `seq` grows with time within a service (log segments, binlogs), so counters never run backwards;
 * `perMin` is the service's usual work a minute, where its dashboard shows it (a consumer's rate, an identity service's tokens).
 */
type Routine = (rng: Rng, n: Node, seq: number, perMin?: number, when?: { at: number; facts: RoutineFacts }) => Line;
/** A configuration store's watchers, as its dashboard counts them (a plausible count where it has none). */
const watchersOf = (r: Rng, w: { facts: RoutineFacts } | undefined) => w?.facts.config?.watchers ?? r.int(10, 80);
/** The revision a configuration store served at the line's minute, as its dashboard and its pushes number them. */
const revisionOf = (seq: number, w: { at: number; facts: RoutineFacts } | undefined) => w?.facts.config?.revisionAt(w.at) ?? Math.floor(seq / 10);
/** A minute's count near the usual rate (within 10%), or a plausible one where none is known. */
const aMinute = (r: Rng, perMin: number | undefined) => (perMin === undefined ? r.int(200, 3000) : Math.round((perMin * r.int(900, 1100)) / 1000));

const info = (msg: string): Line => ({ level: 'INFO', msg });

/**
 * An HTTP service's routine lines, by what they speak of: requests it serves; its database pool
 * (only a service with a database says anything of one); its runtime's memory (never on a service
 * whose memory is the fault: a healthy heap line beside its leak would contradict it).
 */
const HTTP: Record<Split, { serving: Routine[]; db: Routine[]; runtime: Routine[] }> = {
  train: {
    serving: [
      (r, n) => info(`GET /v1/${n.domain}/${r.int(1000, 99999)} 200 ${r.int(4, 90)}ms`),
      (r, n) => info(`POST /v1/${n.domain} 201 ${r.int(10, 160)}ms`),
      (r) => info(`GET /healthz 200 ${r.int(1, 3)}ms`),
      (r) => ({ level: 'WARN', msg: `slow request: GET /v1/status took ${r.int(520, 900)}ms` }),
      (r) => info(`metrics flushed (${r.int(180, 640)} series)`),
    ],
    db: [(r) => info(`db pool: active=${r.int(2, 14)} idle=${r.int(4, 20)} waiting=0 checkouts_total=${r.int(100_000, 999_999)}`)],
    runtime: [(r) => info(`gc: young collection ${r.int(3, 30)}ms, heap ${r.int(40, 70)}%`)],
  },
  test: {
    serving: [
      (r, n) => info(`method=GET path=/api/${n.domain}/${r.int(1000, 99999)} status=200 duration_ms=${r.int(4, 90)}`),
      (r, n) => info(`method=POST path=/api/${n.domain} status=201 duration_ms=${r.int(10, 160)}`),
      (r) => info(`method=GET path=/ready status=200 duration_ms=${r.int(1, 3)}`),
      (r) => ({ level: 'WARN', msg: `request exceeded latency budget: path=/api/status duration_ms=${r.int(520, 900)}` }),
      (r) => info(`exported ${r.int(180, 640)} metric points`),
    ],
    db: [(r) => info(`sql pool in_use=${r.int(2, 14)} idle=${r.int(4, 20)} wait_count=0 max_idle_closed=${r.int(100, 9_999)}`)],
    runtime: [(r) => info(`runtime: heap_inuse=${r.int(120, 480)}MiB goroutines=${r.int(80, 900)}`)],
  },
};

const ROUTINE: Record<Split, Partial<Record<Tier, Routine[]>>> = {
  train: {
    edge: [
      (r, n) => info(`[${n.name}] "GET /api/v1/status HTTP/1.1" 200 ${r.int(80, 900)} upstream_time=${(r.int(4, 90) / 1000).toFixed(3)}`),
      (r) => info(`cluster refresh: ${r.int(6, 24)} upstream hosts healthy (${r.int(100, 999)} ms since last)`),
      (r) => info(`active connections ${r.int(800, 6000)}`),
    ],
    worker: [
      (r, n, _q, perMin) => info(`processed ${aMinute(r, perMin)} messages from ${n.domain}-events in 60s`),
      (r, _n, q) => info(`committed offsets for partitions 0-${r.int(3, 11)} (up to ${q * 10 + r.int(0, 9)})`),
      (r, _n, q) => info(`heartbeat ok (generation ${Math.floor(q / 100)}, ${r.int(2, 40)}ms)`),
    ],
    cache: [
      (r) => info(`DB saved on disk (${r.int(1, 9)}.${r.int(0, 9)}M keys, ${r.int(200, 900)}ms)`),
      (r) => info(`Background saving started by pid ${r.int(1000, 9999)}`),
      (r) => info(`${r.int(40, 600)} clients connected (${r.int(0, 3)} replicas), ${r.int(100, 999)}M used`),
    ],
    db: [
      (r) => info(`checkpoint complete: wrote ${r.int(200, 9000)} buffers (${r.int(1, 9)}.${r.int(0, 9)}%); sync=${(r.int(1, 90) / 1000).toFixed(3)} s`),
      (r) => info(`automatic vacuum of table "app.${['events', 'sessions', 'audit', 'orders'][r.int(0, 3)]}": index scans: ${r.int(0, 2)}, pages removed: ${r.int(0, 900)}`),
      (r) => info(`connection authorized: user=app database=app (pid ${r.int(1000, 9999)})`),
    ],
    queue: [
      (r, _n, q) => info(`[Log partition=events-${r.int(0, 11)}] Rolled new log segment at offset ${q * 1000 + r.int(0, 999)}`),
      (r, _n, q) => info(`[GroupCoordinator] Stabilized group consumers generation ${Math.floor(q / 10)} with ${r.int(2, 12)} members`),
    ],
    config: [
      (r, _n, _q, _p, w) => info(`watch: ${watchersOf(r, w)} clients subscribed to /config (${r.int(100, 999)} events/min)`),
      (r, _n, q, _p, w) => info(`served config revision ${revisionOf(q, w)} to ${r.int(2, watchersOf(r, w))} clients`),
    ],
    secrets: [
      (r) => info(`lease renewed for ${r.int(2, 40)} tokens (ttl ${r.int(10, 59)}m)`),
      (r) => info(`audit: read secret/app/${['db', 'stripe', 'jwt'][r.int(0, 2)]} by policy app-read (accessor ${r.int(1000, 9999)})`),
    ],
    auth: [
      (r, _n, _q, perMin) => info(`issued ${aMinute(r, perMin)} tokens in the last minute`),
      (r) => info(`jwks served to 10.0.${r.int(0, 9)}.${r.int(2, 250)} (kid count 2)`),
    ],
    dns: [
      (r) => info(`[INFO] plugin/reload: Running configuration SHA512 = ${r.int(100000, 999999)}...`),
      (r) => info(`[INFO] ${r.int(2000, 12000)} queries/min, cache hits ${r.int(85, 98)}%`),
    ],
    thirdparty: [
      (r) => info(`POST upstream 200 in ${r.int(120, 420)}ms`),
      (r) => info(`token refresh ok (expires in ${r.int(20, 59)}m ${r.int(0, 59)}s)`),
    ],
  },
  test: {
    edge: [
      (r) => info(`10.0.${r.int(0, 9)}.${r.int(2, 250)} - - "GET /api/status HTTP/1.1" 200 ${r.int(80, 900)} rt=${(r.int(4, 90) / 1000).toFixed(3)}`),
      (r) => info(`upstream pool: ${r.int(6, 24)} servers up, ${r.int(100, 900)} keepalive`),
      (r) => info(`worker connections in use: ${r.int(800, 6000)}`),
    ],
    worker: [
      (r, _n, _q, perMin) => info(`acked ${aMinute(r, perMin)} deliveries in the last minute`),
      (r) => info(`channel ${r.int(1, 9)}: prefetch ${r.int(10, 50)}, ${r.int(0, 20)} unacked, ${r.int(100, 999)} delivered`),
      (r) => info(`consumer tag ctag-${r.int(1000, 9999)} active`),
    ],
    cache: [
      (r) => info(`STAT curr_connections ${r.int(40, 600)}`),
      (r) => info(`slab class ${r.int(1, 40)}: ${r.int(100, 9000)} chunks used`),
    ],
    db: [
      (r) => info(`InnoDB: page_cleaner: ${r.int(100, 900)}ms intended loop took ${r.int(100, 900)}ms`),
      (r) => info(`Aborted connection ${r.int(1000, 9999)} to db: 'app' user: 'app' (Got an error reading communication packets)`),
      (r) => info(`Buffer pool hit rate ${r.int(990, 999)} / 1000, young-making rate ${r.int(0, 40)} / 1000`),
    ],
    queue: [
      (r) => info(`accepting AMQP connection 10.1.${r.int(0, 9)}.${r.int(2, 250)}:${r.int(30000, 60000)}`),
      (r) => info(`queue 'jobs.${['default', 'priority', 'bulk'][r.int(0, 2)]}': ${r.int(0, 900)} ready, ${r.int(0, 40)} unacked`),
    ],
    config: [
      (r, _n, q, _p, w) => info(`revision ${revisionOf(q, w)} current on ${watchersOf(r, w)} watchers (${r.int(2, 60)} polls in the last minute)`),
      (r, _n, _q, _p, w) => info(`long-poll clients: ${watchersOf(r, w)} (${r.int(100, 999)} reconnects/h)`),
    ],
    secrets: [
      (r) => info(`GetSecretValue ok for ${r.int(2, 40)} callers (${r.int(10, 99)}ms p99)`),
      (r) => info(`cache refresh: ${r.int(2, 40)} secrets current (${r.int(10, 99)}ms)`),
    ],
    auth: [
      (r, _n, _q, perMin) => info(`token grants: ${aMinute(r, perMin)}/min`),
      (r) => info(`/.well-known/jwks.json 200 (2 keys, ${r.int(1, 9)}.${r.int(0, 9)}ms, 10.0.${r.int(0, 9)}.${r.int(2, 250)})`),
    ],
    dns: [
      (r) => info(`client 10.2.${r.int(0, 9)}.${r.int(2, 250)}#${r.int(30000, 60000)}: query: status.internal IN A + (10.2.0.2)`),
      (r, n, _q, _perMin, when) => {
        // One serial, one zone: the record count belongs to the serial, not to the reload; a reload
        // after the zone changed loads the new serial, never the old one.
        const serial = zoneSerial(!!when && when.at >= ZONE_CHANGE_AT && when.facts.zoneChanged === true);
        return info(`zone internal/IN: loaded serial ${serial} (${120 + (hash32(`${n.name}|${serial}`) % 360)} records, ${(r.int(20, 400) / 10).toFixed(1)}ms)`);
      },
    ],
    thirdparty: [
      (r) => info(`outbound call ok status=200 latency_ms=${r.int(120, 420)}`),
      (r) => info(`credential cache hit (ttl ${r.int(20, 59)}m ${r.int(0, 59)}s)`),
    ],
  },
};

/** What a service's routine lines may speak of: whether it has a database, whether its memory is the fault. */
export interface RoutineFacts {
  usesDb: boolean;
  memoryFault: boolean;
  /** A DNS server whose zone a change broke (at `ZONE_CHANGE_AT`). */
  zoneChanged?: boolean;
  /** A configuration store's watchers and the revision it served at a minute (from the onset). */
  config?: { watchers: number; revisionAt: (at: number) => number };
}

const httpPool = (split: Split, facts: RoutineFacts): Routine[] => {
  const h = HTTP[split];
  return [...h.serving, ...(facts.usesDb ? h.db : []), ...(facts.memoryFault ? [] : h.runtime)];
};

/** One routine (healthy) log line for a service of this kind. */
export function routineLine(rng: Rng, node: Node, split: Split, at: number, facts: RoutineFacts, perMin?: number): Line {
  const pool = (node.tier === 'api' ? undefined : ROUTINE[split][node.tier]) ?? httpPool(split, facts);
  const seq = (hash32(node.name) % 9000) * 100 + (at + 60) * 10;
  return rng.pick(pool)(rng, node, seq, perMin, { at, facts });
}

/** The internal zone's serial (date-based, as zone automation writes it), before and after a change. */
export const zoneSerial = (changed: boolean) => (changed ? 2026031402 : 2026031401);
/** The minute (from the onset) a broken zone change is applied. */
export const ZONE_CHANGE_AT = -3;

/** What a service logs when a dependency two or more hops down fails it (generic, by kind). */
export function upstreamFailure(rng: Rng, caller: Node, callee: Node, split: Split, slow: boolean): Line {
  if (caller.tier === 'worker') {
    return split === 'train'
      ? { level: 'ERROR', msg: `failed to process message from ${caller.domain}-events: call to ${callee.name} failed (status 503)` }
      : { level: 'ERROR', msg: `delivery nacked and requeued: dependency ${callee.name} errored (status=503)` };
  }
  if (caller.tier === 'edge') {
    return split === 'train'
      ? { level: 'ERROR', msg: `upstream ${callee.name} returned ${slow ? 503 : 500} for "GET /api/v1/${callee.domain}" (upstream_time=${(slow ? rng.int(900, 5000) / 1000 : rng.int(4, 120) / 1000).toFixed(3)})` }
      : slow
        ? { level: 'ERROR', msg: `upstream prematurely closed connection while reading response header from upstream, upstream: "http://${callee.name}/api/${callee.domain}"` }
        : { level: 'ERROR', msg: `upstream returned 500 while reading response from upstream, upstream: "http://${callee.name}/api/${callee.domain}"` };
  }
  // A dependency that fails fast answers an error at once; one that hangs is timed out.
  if (!slow) {
    return split === 'train'
      ? { level: 'ERROR', msg: `GET /v1/${caller.domain} 502: dependency ${callee.name} answered 500 in ${rng.int(4, 120)}ms` }
      : { level: 'ERROR', msg: `method=GET path=/api/${caller.domain} status=502 err="${callee.name}: upstream returned 500"` };
  }
  return split === 'train'
    ? { level: 'ERROR', msg: `GET /v1/${caller.domain} 503: dependency ${callee.name} failed (timeout after ${rng.int(2, 5)}000ms)` }
    : { level: 'ERROR', msg: `method=GET path=/api/${caller.domain} status=503 err="${callee.name}: context deadline exceeded"` };
}

/**
 * What a service with thin error logging writes when a dependency fails it: only its own failing
 * request (status, path, duration), never which dependency failed.
 */
export function opaqueFailure(rng: Rng, caller: Node, split: Split, slow: boolean): Line {
  // A call that fails fast (a rejected login, a refused handshake) fails in milliseconds, with an error status; one that hangs times out.
  const ms = slow ? rng.int(900, 10_000) : rng.int(4, 250);
  const id = rng.int(1000, 99999);
  if (caller.tier === 'worker') {
    return split === 'train'
      ? { level: 'ERROR', msg: `failed to process message from ${caller.domain}-events (attempt ${rng.int(2, 5)}/5): handler error after ${ms}ms; will retry` }
      : { level: 'ERROR', msg: `delivery nacked and requeued: handler returned error after ${ms}ms` };
  }
  const status = rng.pick(slow ? [502, 503, 504] : [500, 502, 503]);
  return rng.chance(0.5)
    ? split === 'train'
      ? { level: 'ERROR', msg: `GET /v1/${caller.domain}/${id} ${status} ${ms}ms` }
      : { level: 'ERROR', msg: `method=GET path=/api/${caller.domain}/${id} status=${status} duration_ms=${ms}` }
    : split === 'train'
      ? { level: 'ERROR', msg: `request failed: POST /v1/${caller.domain} ${status} after ${ms}ms (request_id=req-${id.toString(16)})` }
      : { level: 'ERROR', msg: `method=POST path=/api/${caller.domain} status=${status} duration_ms=${ms} err="internal error"` };
}

/** A caller whose worker threads all wait on calls out, without saying on which dependency. */
export function threadsStuck(rng: Rng, split: Split, pool?: number): Line {
  const n = pool ?? rng.pick([64, 128, 200]);
  return split === 'train'
    ? { level: 'ERROR', msg: `thread pool exhausted: ${n}/${n} busy, ${n - rng.int(2, 9)} threads waiting on downstream responses` }
    : { level: 'ERROR', msg: `worker pool saturated in_flight=${n} limit=${n}; ${n - rng.int(2, 9)} blocked on outbound calls` };
}

/**
 * A caller's exception on a failing dependency's empty response, as a stack trace reports it: the
 * client class is named for the dependency's first name word and kind (`LedgerRepository`), not the service.
 * Null for platform services (DNS, queues, config, secrets), whose clients fail differently.
 */
export function exceptionInClient(rng: Rng, dependency: Node, split: Split): Line | null {
  const suffix: Partial<Record<Tier, string>> = { db: 'Repository', cache: 'CacheClient', api: 'Client', auth: 'AuthClient', thirdparty: 'Gateway' };
  if (!suffix[dependency.tier]) return null;
  const domain = dependency.name.split('-')[0]!;
  const cls = `${domain.charAt(0).toUpperCase()}${domain.slice(1)}${suffix[dependency.tier]}`;
  return split === 'train'
    ? { level: 'ERROR', msg: `NullPointerException: response body is null at ${cls}.parse(${cls}.java:${rng.int(40, 120)})` }
    : { level: 'ERROR', msg: `TypeError: cannot read properties of undefined (reading 'items') at ${cls}.fetch (${cls}.js:${rng.int(40, 120)})` };
}

/** A real-looking line that makes a healthy dependency look suspicious. */
export function slowDependencyLine(rng: Rng, dependency: Node, split: Split): Line {
  return split === 'train'
    ? { level: 'WARN', msg: `slow call to ${dependency.name}: GET /v1/status took ${rng.int(260, 600)}ms (budget 250ms)` }
    : { level: 'WARN', msg: `dependency ${dependency.name} latency_ms=${rng.int(260, 600)} exceeded budget_ms=250` };
}

export function deployLine(rng: Rng, node: Node, split: Split, version: string, label?: string): Line {
  // Faulty releases and harmless ones draw their labels from one list: a label tells nothing by
  // itself (a release that changed what its label names may say so: `label`, from the same list).
  const picked = rng.pick(['logging format', 'dependency bumps', 'metrics labels', 'retry jitter', 'copy changes', 'http client refactor', 'serializer refactor', 'export endpoint', 'connection handling', 'websocket notifications', 'session handling', 'health checks']);
  const change = label ?? picked;
  return split === 'train'
    ? { level: 'INFO', msg: `deploy: ${node.name} ${version} rolled out to ${node.replicas}/${node.replicas} pods (change: ${change})` }
    : { level: 'INFO', msg: `release ${version} of ${node.name} live on ${node.replicas} instances (${change})` };
}

/** A caller's exception on a failing dependency's error response: it names the dependency. */
export function exceptionOnUpstreamError(rng: Rng, dependency: Node, split: Split): Line {
  return split === 'train'
    ? { level: 'ERROR', msg: `IllegalStateException: no response body to map after the call to ${dependency.name} failed (ResponseMapper.java:57)` }
    : { level: 'ERROR', msg: `TypeError: cannot read properties of undefined (reading 'items') after the call to ${dependency.name} failed` };
}

/** A healthy store working harder because load shifted onto it (`n`: its slow statements over the last five minutes). */
export function collateralLine(rng: Rng, store: Node, from: Node, split: Split, n: number): Line {
  if (store.tier === 'cache') {
    return split === 'train'
      ? { level: 'WARN', msg: `ops/sec up ${rng.int(2, 4)}x; most from ${from.name} (cache reads)` }
      : { level: 'WARN', msg: `get_hits up ${rng.int(2, 4)}x in 5m; heaviest client ${from.name}` };
  }
  return split === 'train'
    ? { level: 'WARN', msg: `${n} statements over 1s in the last 5 minutes; connections from ${from.name} tripled` }
    : { level: 'WARN', msg: `Slow_queries +${n} in 5m; Threads_running ${rng.int(30, 60)}, most from ${from.name}` };
}

/** A caller whose worker threads all wait on a failing dependency: it names the dependency. */
export function threadsStuckOn(rng: Rng, dependency: Node, split: Split, pool?: number): Line {
  const n = pool ?? rng.pick([64, 128, 200]);
  return split === 'train'
    ? { level: 'ERROR', msg: `thread pool exhausted: ${n}/${n} busy, ${n - rng.int(2, 9)} threads waiting on responses from ${dependency.name}` }
    : { level: 'ERROR', msg: `worker pool saturated in_flight=${n} limit=${n}; ${n - rng.int(2, 9)} blocked on calls to ${dependency.name}` };
}

/** A loud but harmless scheduled job, worded for the kind of service that runs it (it runs for hours). */
export function scheduledJobLine(rng: Rng, node: Node, split: Split): string {
  const h = rng.int(2, 4);
  const n = rng.int(40, 900);
  const jobs: Record<Split, Record<'db' | 'cache' | 'queue' | 'app', string[]>> = {
    train: {
      db: [`cron: nightly reindex started (expected ${h}h)`, `pg_dump: full backup to object storage started (expected ${h}h)`, `cron: VACUUM ANALYZE of the largest tables started (expected ${h}h)`],
      cache: [`cron: cache warm-up from the nightly snapshot started (expected ${h}h)`, `cron: key-space audit (SCAN ${n}k keys) started (expected ${h}h)`],
      queue: [`cron: retention sweep over ${n} log segments started (expected ${h}h)`, `cron: partition reassignment for rebalancing started (expected ${h}h)`],
      app: [`cron: nightly report export started (expected ${h}h)`, `batch: monthly statement generation started (expected ${h}h)`, `cron: search index rebuild started (expected ${h}h)`],
    },
    test: {
      db: [`scheduled compaction job running (est. ${h} h)`, `mysqldump: nightly logical backup running (est. ${h} h)`, `maintenance window: ANALYZE TABLE batch running (est. ${h} h)`],
      cache: [`warm-up job loading ${n}k keys from the snapshot (est. ${h} h)`, `scheduled slab audit running (est. ${h} h)`],
      queue: [`shovel moving archived messages to cold storage (est. ${h} h)`, `scheduled queue sync to the new mirror running (est. ${h} h)`],
      app: [`scheduled batch export running (est. ${h} h)`, `job=reconcile-${node.domain} status=running eta=${h}h`, `scheduled reindex of ${node.domain} documents running (est. ${h} h)`],
    },
  };
  const kind = node.tier === 'db' || node.tier === 'cache' || node.tier === 'queue' ? node.tier : 'app';
  return rng.pick(jobs[split][kind]);
}

/** An ordinary error every busy service logs: a user's expired session, a declined card, bad input. */
export function harmlessError(rng: Rng, node: Node, split: Split, kind?: number): Line {
  const user = rng.int(10000, 99999);
  const train = [
    `POST /v1/${node.domain} 422: validation failed for field "email" (user input)`,
    `session expired for user u_${user}; asked to log in again`,
    `card declined by issuer for order o-${user} (do_not_honor)`,
  ];
  const test = [
    `method=POST path=/api/${node.domain} status=422 err="invalid field: postal_code"`,
    `msg="client closed request before response" path=/api/${node.domain} bytes=0`,
    // (A refresh token is an identity service's business; an API sees a client's retried request.)
    node.tier === 'auth' ? `refresh token rejected for user ${user}: revoked by user` : `method=POST path=/api/${node.domain} status=409 err="idempotency key reused" user=${user}`,
  ];
  if (node.tier === 'worker') {
    return split === 'train'
      ? { level: 'ERROR', msg: `event e-${user} rejected: unknown customer id; sent to the dead-letter topic` }
      : { level: 'ERROR', msg: `delivery for job ${user} rejected (validation: missing tenant); routed to dead letters` };
  }
  const kinds = split === 'train' ? train : test;
  return { level: 'ERROR', msg: kind === undefined ? rng.pick(kinds) : kinds[kind % kinds.length]! };
}

/** How many kinds of ordinary error `harmlessError` writes (a service keeps writing its own kind). */
export const HARMLESS_KINDS = 3;

const PORTS: Record<Split, Partial<Record<Tier, number>>> = {
  train: { db: 5432, cache: 6379, queue: 9092, api: 8080, worker: 8080, auth: 8443, edge: 443, config: 8500, secrets: 8200, dns: 53 },
  test: { db: 3306, cache: 11211, queue: 5672, api: 8080, worker: 8080, auth: 8443, edge: 443, config: 2379, secrets: 8200, dns: 53 },
};

/** Where a client reaches a service: an address and the port of its kind (a vendor's public host for a connector). */
function addressOf(node: Node, split: Split, salt: string, attempt: number): string {
  if (node.tier === 'thirdparty') return `api.${node.name.split('-')[0]}.com:443`;
  const h = hash32(attempt ? `${salt}|${node.name}|${attempt}` : `${salt}|${node.name}`);
  return `10.${(h >>> 8) % 8 + 1}.${(h >>> 4) % 10}.${(h % 240) + 10}:${PORTS[split][node.tier] ?? 8080}`;
}

/** Every service's address, one per service: no two services of an incident share one. */
export function addressBook(nodes: readonly Node[], split: Split, salt: string): ReadonlyMap<string, string> {
  const book = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    let attempt = 0;
    let address = addressOf(node, split, salt, attempt);
    while (taken.has(address)) address = addressOf(node, split, salt, ++attempt);
    taken.add(address);
    book.set(node.name, address);
  }
  return book;
}

/** A client's line with a peer's name replaced by its address (a host name such as `x.internal` stays). */
export function byAddress(line: Line, peer: Node, address: string): Line {
  const name = peer.name.replace(/[-]/g, '\\-');
  return { ...line, msg: line.msg.replace(new RegExp(`(?<![a-z0-9-])${name}(?![a-z0-9-]|\\.internal)`, 'g'), address) };
}

/**
 * A root flooded by its callers' retries: the orchestrator's restarts already failed, because a
 * fresh instance takes the whole retried load before it is ready. Two lines the root writes
 * itself (they survive log sampling: one is the orchestrator's, one a traffic summary).
 */
export function floodedLines(rng: Rng, node: Node, split: Split, load: { rps: number; before: number; retryPct: number; restarts: number }): Line[] {
  const pod = `${node.name}-${rng.int(0x1000, 0xffff).toString(16)}`;
  const ready = rng.int(25, 60);
  const killed = rng.int(6, 20);
  return split === 'train'
    ? [
        { level: 'WARN', msg: `liveness probe failed: ${pod} restarted (restart ${load.restarts} in the last hour); ready after ${ready}s, failed again ${killed}s later with ${load.rps} req/s arriving` },
        { level: 'INFO', msg: `inbound ${load.rps} req/s (${load.before} req/s before the errors began); ${load.retryPct}% carry a retry header` },
      ]
    : [
        { level: 'WARN', msg: `Back-off restarting failed container in pod ${pod} (restart #${load.restarts}): came up in ${ready}s and failed readiness ${killed}s later under ${load.rps} rps` },
        { level: 'INFO', msg: `traffic ${Math.round((10 * load.rps) / load.before) / 10}x normal (${load.rps} rps vs ${load.before}); retried requests ${load.retryPct}% of the total` },
      ];
}

/** What a flooded root writes when a remedy is rolled out before load is shed: the new instances fall over too. */
export function floodedAgain(rng: Rng, node: Node, split: Split, kind: string, load: { rps: number; retryPct: number }): Line {
  const n = Math.max(2, node.replicas);
  return split === 'train'
    ? { level: 'ERROR', msg: `${kind} rolled out: ${n}/${n} new instances started; warm-up under ${load.rps} req/s of mostly retried traffic failed, 0/${n} ready after ${rng.int(30, 55)}s` }
    : { level: 'ERROR', msg: `new pods from the ${kind.replace('_', ' ')} failed readiness during warm-up (incoming ${load.rps} rps, ${load.retryPct}% retries): 0 of ${n} ready` };
}

/** A caller re-sending failed requests at once, with no backoff: what makes the flood. */
export function retryingWithoutBackoff(rng: Rng, callee: Node, split: Split): Line {
  return split === 'train'
    ? { level: 'WARN', msg: `retrying request to ${callee.name}: attempt ${rng.int(3, 4)}/4 (backoff disabled)` }
    : { level: 'WARN', msg: `upstream ${callee.name} failed; re-sent ${rng.int(3, 4)} times without jitter or delay` };
}

/** What a service logs when a change is made to it: a change leaves its own trace, whether or not it helps. */
export function changeLine(kind: RemedyKind, node: Node, split: Split): string {
  const n = node.replicas;
  const lines: Record<RemedyKind, [string, string]> = {
    restart: [`rollout restart: ${n}/${n} pods replaced`, `restarted ${n} of ${n} instances`],
    rollback: [`rollback: ${n}/${n} pods on the previous release`, `rolled back to the previous release on ${n} instances`],
    // Scaling out lifts the autoscaler's bounds too, or it would scale straight back.
    scale_out: ['scaled out: HPA minReplicas and maxReplicas raised; new replicas starting', 'autoscaling bounds raised (min and max instances); new instances starting'],
    reschedule: [`pods rescheduled to other nodes with a higher CPU limit (${n}/${n})`, `${n} instances moved to new hosts, CPU limit raised`],
    raise_connection_limit: ['max_connections raised; configuration reloaded', 'connection limit raised and reloaded (SIGHUP)'],
    terminate_query: ['terminated the longest-running queries', 'KILL issued for the longest-running queries'],
    create_index: ['index recreated (built concurrently)', 'online index build completed'],
    route_reads_to_primary: ['reads routed to the primary until replicas catch up', 'read endpoint now points at the writer'],
    grow_volume: ['data volume grown; retained logs purged', 'volume resized; old segments purged'],
    flush_cache: ['keys flushed to free memory', 'flush_all executed'],
    dead_letter: ['message moved to the dead-letter queue', 'delivery rejected to the dead-letter exchange'],
    purge_queue: ['queue purged: every pending message deleted', 'purge: all ready messages deleted'],
    revert_config: ['most recent configuration change reverted', 'previous revision restored'],
    complete_rollout: ['current version re-pushed to every target', 'current version redistributed to all targets'],
    renew_credentials: ['new certificate or credential issued and loaded', 'credentials renewed and reloaded'],
    disable_flag: ['most recently enabled flag turned off', 'latest flag rollout set to 0%'],
    resync_clock: ['time sync restarted; clock stepped', 'time daemon restarted; clock stepped'],
    failover: ['switched to the secondary provider', 'traffic moved to the secondary provider'],
    shed_load: ['load shedding on for 30 minutes: part of incoming traffic refused', 'shedding part of incoming traffic for 30 minutes'],
  };
  return lines[kind][split === 'train' ? 0 : 1];
}
