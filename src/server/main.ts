/** Starts the server on PORT (default 7860) and shuts down cleanly on SIGTERM/SIGINT. */
import { buildApp } from './app.js';
import { configFromEnv } from './config.js';

const config = configFromEnv();
const { app } = buildApp(config);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => process.exit(1), 10_000);
  deadline.unref();
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
  app.log.error({ err: error }, 'failed to start');
  process.exit(1);
});
