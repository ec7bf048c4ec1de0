/**
 * Starts a server and shuts it down cleanly on SIGTERM/SIGINT: stop accepting, close every
 * WebSocket with a close frame, let in-flight requests finish, exit 0. Connections still open
 * after a grace period are cut; past the deadline the process exits 1.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';

export async function startServer(config: ServerConfig, shutdownDeadlineMs = 10_000, graceMs = 3_000): Promise<FastifyInstance> {
  const { app } = buildApp(config);
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
  await app.listen({ host: config.host, port: config.port });
  return app;
}
