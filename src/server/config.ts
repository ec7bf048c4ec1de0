/** Server configuration from environment variables, with defaults that suit a single box. */
import { MAX_DETAILS_LENGTH } from '../domain/index.js';
export interface ServerConfig {
  host: string;
  port: number;
  /** Live HTTP-API sessions held at once. */
  maxSessions: number;
  /** Live OpenEnv protocol sessions (WebSocket /ws and /mcp, MCP sessions) at once. */
  maxConcurrentEnvs: number;
  /** Sessions (explicit HTTP sessions and protocol sessions) one client address may hold (default: a quarter of MAX_CONCURRENT_ENVS). */
  maxSessionsPerClient: number;
  /** A session idle for longer than this is dropped. */
  sessionTtlMs: number;
  /** An MCP-over-HTTP session (held by no connection) idle for longer than this is dropped. */
  mcpSessionTtlMs: number;
  /** A WebSocket whose unsent replies pass this many bytes (a client that does not read) is closed with 1008. */
  wsMaxBufferedBytes: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Largest WebSocket message accepted, in bytes. */
  wsMaxPayload: number;
  /** Longest postmortem (or escalation/fix details) accepted, in characters (at most MAX_DETAILS_LENGTH, 20,000). */
  postmortemMaxChars: number;
  /** Time allowed to receive a request's headers, and the whole request (slow clients). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** A WebSocket that sends nothing for this long is closed. */
  wsIdleTimeoutMs: number;
  /** Ping interval; a WebSocket that misses a pong by the next ping is terminated (half-open). */
  wsPingIntervalMs: number;
  /** When set, every route but /health needs `Authorization: Bearer <token>`. */
  authToken: string | null;
  /** Origins allowed by CORS ("*" for any); none by default. */
  corsOrigins: string[];
  logLevel: string;
  /** Compiled generated incidents kept in memory (they are pure functions of their parameters). */
  generatedCacheSize: number;
  /** Diagnostics: run a full GC before answering /metrics (needs node --expose-gc). */
  gcBeforeMetrics: boolean;
  /**
   * Which X-Forwarded-For hops to believe (Fastify's `trustProxy`): false; a number of proxies in
   * front (the client is the address the outermost trusted proxy saw); or the proxies' addresses.
   */
  trustProxy: false | number | string[];
  /** A Redis every replica shares for sessions (`redis://host:6379`); in-process memory when null. */
  redisUrl: string | null;
  /** Prefix of every Redis key, so deployments can share one Redis. */
  redisPrefix: string;
  /** Deadline of one Redis command: past it the request gets 503 with Retry-After. */
  redisTimeoutMs: number;
}

/** TRUST_PROXY: a hop count (`1`; `true` means one proxy) or a comma-separated list of proxy addresses or CIDRs. */
export function trustProxyFrom(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === 'true') return 1;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((a) => a.trim()).filter(Boolean);
  for (const a of list) if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a)) throw new Error(`TRUST_PROXY must be a hop count or a list of proxy addresses or CIDRs, got "${a}"`);
  return list;
}

function redisUrlFrom(raw: string): string {
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${raw.replace(/\/\/[^@]*@/, '//***@')}"`);
  return raw;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.HOST ?? '0.0.0.0',
    port: intFrom(env, 'PORT', 7860, 0, 65535),
    maxSessions: intFrom(env, 'MAX_SESSIONS', 10_000, 1),
    maxConcurrentEnvs: intFrom(env, 'MAX_CONCURRENT_ENVS', 1024, 1),
    // One client can never hold more than a quarter of the protocol capacity unless told otherwise.
    maxSessionsPerClient: intFrom(env, 'MAX_SESSIONS_PER_CLIENT', Math.max(1, Math.floor(intFrom(env, 'MAX_CONCURRENT_ENVS', 1024, 1) / 4)), 1),
    sessionTtlMs: intFrom(env, 'SESSION_TTL_SECONDS', 3600, 1) * 1000,
    mcpSessionTtlMs: intFrom(env, 'MCP_SESSION_TTL_SECONDS', 300, 1) * 1000,
    wsMaxBufferedBytes: intFrom(env, 'WS_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 1024),
    bodyLimit: intFrom(env, 'BODY_LIMIT_BYTES', 256 * 1024, 1024),
    wsMaxPayload: intFrom(env, 'WS_MAX_PAYLOAD_BYTES', 1024 * 1024, 1024),
    postmortemMaxChars: intFrom(env, 'POSTMORTEM_MAX_CHARS', MAX_DETAILS_LENGTH, 1, MAX_DETAILS_LENGTH),
    headersTimeoutMs: intFrom(env, 'HEADERS_TIMEOUT_MS', 10_000, 100),
    requestTimeoutMs: intFrom(env, 'REQUEST_TIMEOUT_MS', 30_000, 100),
    keepAliveTimeoutMs: intFrom(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 100),
    wsIdleTimeoutMs: intFrom(env, 'WS_IDLE_TIMEOUT_MS', 600_000, 100),
    wsPingIntervalMs: intFrom(env, 'WS_PING_INTERVAL_MS', 30_000, 100),
    authToken: env.ENV_AUTH_TOKEN ? env.ENV_AUTH_TOKEN : null,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
    generatedCacheSize: intFrom(env, 'GENERATED_CACHE_SIZE', 128, 1),
    gcBeforeMetrics: env.GC_BEFORE_METRICS === '1',
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    redisUrl: env.REDIS_URL ? redisUrlFrom(env.REDIS_URL) : null,
    redisPrefix: env.REDIS_PREFIX ?? 'ire:',
    redisTimeoutMs: intFrom(env, 'REDIS_TIMEOUT_MS', 1000, 10, 60_000),
  };
}

export const defaultConfig = (overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  ...configFromEnv({}),
  logLevel: 'silent',
  ...overrides,
});
