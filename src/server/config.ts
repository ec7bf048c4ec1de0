/** Server configuration from environment variables, with defaults that suit a single box. */
export interface ServerConfig {
  host: string;
  port: number;
  /** Live sessions of every kind (HTTP, WebSocket, MCP) held at once. */
  maxSessions: number;
  /** A session idle for longer than this is dropped. */
  sessionTtlMs: number;
  /** Live OpenEnv protocol sessions (WebSocket /ws and /mcp, MCP sessions) at once. */
  maxConcurrentEnvs: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Largest WebSocket message accepted, in bytes. */
  wsMaxPayload: number;
  logLevel: string;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.HOST ?? '0.0.0.0',
    port: intFrom(env, 'PORT', 7860, 0),
    maxSessions: intFrom(env, 'MAX_SESSIONS', 10_000, 1),
    sessionTtlMs: intFrom(env, 'SESSION_TTL_SECONDS', 3600, 1) * 1000,
    maxConcurrentEnvs: intFrom(env, 'MAX_CONCURRENT_ENVS', 1024, 1),
    bodyLimit: intFrom(env, 'BODY_LIMIT_BYTES', 256 * 1024, 1024),
    wsMaxPayload: intFrom(env, 'WS_MAX_PAYLOAD_BYTES', 1024 * 1024, 1024),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

export const defaultConfig = (overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  ...configFromEnv({}),
  logLevel: 'silent',
  ...overrides,
});
