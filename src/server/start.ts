/**
 * Starts a server and shuts it down cleanly on SIGTERM/SIGINT: stop accepting, close every
 * WebSocket with a close frame, let in-flight requests finish, exit 0. Connections still open
 * after a grace period are cut; past the deadline the process exits 1.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';
import { createRedisStore } from './redis-store.js';

export async function startServer(config: ServerConfig, shutdownDeadlineMs = 10_000, graceMs = 3_000): Promise<FastifyInstance> {
  // With REDIS_URL every replica shares sessions; without it they live in this process.
  const store = config.redisUrl
    ? await createRedisStore({
        url: config.redisUrl,
        maxSessions: config.maxSessions,
        ttlMs: config.sessionTtlMs,
        quotaLimit: config.maxSessionsPerClient,
        prefix: config.redisPrefix,
        timeoutMs: config.redisTimeoutMs,
      })
    : undefined;
  const { app } = buildApp(config, store);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => process.exit(1), shutdownDeadlineMs);
    deadline.unref();
    const grace = setTimeout(() => app.server.closeAllConnections(), graceMs);
    grace.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // Started by a launcher (`npm start`) that was killed without passing the signal on: the server
  // is re-parented, so it shuts down too instead of lingering on the port. (A server that is the
  // container's first process, or was detached on purpose, starts re-parented and is left alone.)
  const parent = process.ppid;
  if (parent > 1) {
    const watch = setInterval(() => {
      if (process.ppid !== parent) shutdown('parent exited');
    }, 1000);
    watch.unref();
    app.addHook('onClose', async () => clearInterval(watch));
  }
  await app.listen({ host: config.host, port: config.port });
  return app;
}
