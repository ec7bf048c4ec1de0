/**
 * The Redis session store, shared by every replica (`REDIS_URL`). Each session is a hash
 * (`v` version, `d` JSON record, `c` owning client) with an idle TTL; a sorted set of live ids
 * scored by last activity counts capacity, and one per client counts its quota, so both hold
 * across replicas. Every write is one Lua script, so check and write are atomic: a step that read
 * version n stores n+1 only if the session is still at n (the loser gets `conflict`).
 *
 * Built on node-redis (`redis` v5), the client Redis maintains: offline queueing is off and every
 * command has a timeout, so a down or slow Redis fails fast as `StoreUnavailable` (a 503 with
 * Retry-After) instead of queueing requests, and the client reconnects on its own.
 */
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { StoreUnavailable, type PutResult, type Session, type SessionStore } from './sessions.js';

export interface RedisStoreOptions {
  url: string;
  maxSessions: number;
  ttlMs: number;
  /** Sessions one client may own at once. */
  quotaLimit: number;
  /** Key prefix, so several deployments can share one Redis. */
  prefix?: string;
  /** Per-command deadline (ms): past it the store counts as unavailable. */
  timeoutMs?: number;
  /** Store latency and errors, for /metrics. */
  observe?: (op: string, seconds: number, ok: boolean) => void;
}

// Lua's `now` comes from Redis itself, so replicas with skewed clocks agree on idleness.
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: session, index. ARGV: id, ttl, client-set prefix. Returns {version, json} and refreshes the TTL. */
const GET = `${NOW}
local r = redis.call('HMGET', KEYS[1], 'v', 'd', 'c')
if not r[1] then return false end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
if r[3] and r[3] ~= '' then
  redis.call('ZADD', ARGV[3] .. r[3], now, ARGV[1])
  redis.call('PEXPIRE', ARGV[3] .. r[3], ARGV[2])
end
return {r[1], r[2]}`;

/**
 * KEYS: session, index, client set ('' when no client). ARGV: id, json, expected version ('' for
 * none), ttl, max sessions, quota, client, client-set prefix. Returns {'ok', version} or {reason}.
 * A new session counts against the cap; a new owner (a new session, or another client's record
 * replacing this one) against its quota, and the previous owner's slot is freed.
 */
const PUT = `${NOW}
local ttl = tonumber(ARGV[4])
local cur = redis.call('HGET', KEYS[1], 'v')
if ARGV[3] ~= '' and cur ~= ARGV[3] then return {'conflict'} end
local owner = redis.call('HGET', KEYS[1], 'c')
if not cur then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return {'full'} end
end
if ARGV[7] ~= '' and (not cur or owner ~= ARGV[7]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ttl)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return {'quota'} end
end
if cur and owner and owner ~= '' and owner ~= ARGV[7] then redis.call('ZREM', ARGV[8] .. owner, ARGV[1]) end
local v = (tonumber(cur) or 0) + 1
redis.call('HSET', KEYS[1], 'v', v, 'd', ARGV[2], 'c', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], now, ARGV[1])
if ARGV[7] ~= '' then
  redis.call('ZADD', KEYS[3], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return {'ok', v}`;

/** KEYS: session, index. ARGV: id, client-set prefix. */
const DELETE = `local c = redis.call('HGET', KEYS[1], 'c')
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if c and c ~= '' then redis.call('ZREM', ARGV[2] .. c, ARGV[1]) end
return n`;

/** KEYS: index. ARGV: ttl. Drops ids idle past the TTL; returns {dropped, live}. */
const SWEEP = `${NOW}
local dropped = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return {dropped, redis.call('ZCARD', KEYS[1])}`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const SCRIPTS = { GET, PUT, DELETE, SWEEP };
type ScriptName = keyof typeof SCRIPTS;
const SHAS = Object.fromEntries(Object.entries(SCRIPTS).map(([k, v]) => [k, sha1(v)])) as Record<ScriptName, string>;

export async function createRedisStore(opts: RedisStoreOptions): Promise<SessionStore> {
  const prefix = opts.prefix ?? 'ire:';
  const timeout = opts.timeoutMs ?? 1000;
  const client = createClient({
    url: opts.url,
    disableOfflineQueue: true,
    commandOptions: { timeout },
    socket: { connectTimeout: timeout, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) },
  });
  // Errors surface on the commands that hit them; the client keeps reconnecting meanwhile.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.destroy();
    throw new Error(`cannot reach Redis at ${opts.url.replace(/\/\/[^@]*@/, '//***@')}: ${(error as Error).message}`);
  }

  const sessionKey = (id: string) => `${prefix}s:${id}`;
  const index = `${prefix}idx`;
  const clients = `${prefix}c:`;

  async function run(op: string, name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const started = process.hrtime.bigint();
    const argv = args.map(String);
    try {
      let reply: unknown;
      try {
        reply = await client.sendCommand(['EVALSHA', SHAS[name], String(keys.length), ...keys, ...argv]);
      } catch (error) {
        // A restarted Redis has forgotten its scripts: send this one in full once.
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        reply = await client.sendCommand(['EVAL', SCRIPTS[name], String(keys.length), ...keys, ...argv]);
      }
      opts.observe?.(op, Number(process.hrtime.bigint() - started) / 1e9, true);
      return reply;
    } catch (error) {
      opts.observe?.(op, Number(process.hrtime.bigint() - started) / 1e9, false);
      throw new StoreUnavailable(`session store unavailable (${op}): ${(error as Error).message}`);
    }
  }

  return {
    kind: 'redis',
    async get(id) {
      const reply = (await run('get', 'GET', [sessionKey(id), index], [id, opts.ttlMs, clients])) as [string, string] | null;
      if (!reply) return undefined;
      return { ...(JSON.parse(reply[1]) as Session), version: Number(reply[0]) };
    },
    async put(session, expect): Promise<PutResult> {
      const { version: _v, ...record } = session;
      const owner = session.client ?? '';
      const reply = (await run('put', 'PUT', [sessionKey(session.id), index, owner ? `${clients}${owner}` : `${clients}-`], [
        session.id,
        JSON.stringify(record),
        expect === undefined ? '' : expect,
        opts.ttlMs,
        opts.maxSessions,
        opts.quotaLimit,
        owner,
        clients,
      ])) as [string, number?];
      return reply[0] === 'ok' ? { ok: true, version: Number(reply[1]) } : { ok: false, reason: reply[0] as 'full' | 'quota' | 'conflict' };
    },
    async delete(id) {
      return Number(await run('delete', 'DELETE', [sessionKey(id), index], [id, clients])) > 0;
    },
    async size() {
      const [, live] = (await run('size', 'SWEEP', [index], [opts.ttlMs])) as [number, number];
      return Number(live);
    },
    async sweep() {
      const [dropped] = (await run('sweep', 'SWEEP', [index], [opts.ttlMs])) as [number, number];
      return Number(dropped);
    },
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}
