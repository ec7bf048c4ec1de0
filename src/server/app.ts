/** Builds the Fastify application: limits, security, parsers, error mapping, metrics and every route plugin. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { authPlugin } from './auth.js';
import type { ServerConfig } from './config.js';
import { drillRoutes } from './drill-routes.js';
import { createEnvironments, type Environments } from './environments.js';
import { HttpError } from './errors.js';
import { ENV_VERSION } from './api-schemas.js';
import { httpRoutes } from './http-routes.js';
import { mcpGet, mcpHttpRoutes } from './mcp-http.js';
import { createStreamableMcp } from './mcp-streamable.js';
import { metaRoutes, openApi } from './meta-routes.js';
import { createMetrics, type Metrics } from './metrics.js';
import { envKey, type ProtocolSessions } from './protocol-sessions.js';
import { createSessionManager } from './session-manager.js';
import type { SessionStore } from './sessions.js';
import { zodValidatorCompiler, plainSerializerCompiler } from './validation.js';
import { webRoutes } from './web-routes.js';
import { wsRoutes } from './ws-routes.js';

export interface App {
  app: FastifyInstance;
  envs: Environments;
  sessions: ProtocolSessions;
  metrics: Metrics;
}

/** Fastify's own client errors, mapped to the status and wording this API promises. */
function mapFrameworkError(error: { code?: string; statusCode?: number; message: string }): HttpError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(422, 'INVALID_JSON', 'malformed JSON body (or a forbidden __proto__/constructor.prototype key); send one JSON object', {
        detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }],
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'BODY_TOO_LARGE', `${error.message} (BODY_LIMIT_BYTES)`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `${error.message}; send JSON with Content-Type: application/json`);
    default:
      break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpError(error.statusCode, error.code ?? 'BAD_REQUEST', error.message);
  }
  return null;
}

/** Whether an Origin header names the host the request was sent to (the console's own page). */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * `store`: a session store shared by many replicas (Redis); by default sessions live in this
 * process's memory. The app closes the store when it closes.
 */
export function buildApp(config: ServerConfig, shared?: SessionStore): App {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: config.bodyLimit,
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    requestIdHeader: 'x-request-id',
    // A hop count trusts that many proxies in front (proxy-addr's rule); never the client's own X-Forwarded-For entries.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    genReqId: () => randomUUID(),
    // Slow clients (slow-loris) are cut off: headers and whole requests have deadlines.
    serverFactory: (handler) => {
      const server = createServer(
        { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs), noDelay: true, keepAlive: true },
        handler,
      );
      server.keepAliveTimeout = config.keepAliveTimeoutMs;
      return server;
    },
  });
  // Capacity, TTLs, the per-client quota and the compiled tasks of live sessions: one owner, one sweeper.
  const manager = createSessionManager(config, shared);
  const { store, protocol: sessions } = manager;
  const metrics = createMetrics({ httpSessions: async () => Math.max(0, (await store.size()) - sessions.active), protocolSessions: () => sessions.countByKind() });
  // A labelled series looked up once per task id (a handful), not hashed from its labels on every step.
  const taskSeries = new Map<string, { steps: { inc(): void }; resets: { inc(): void } }>();
  const perTask = (task: string) => {
    let series = taskSeries.get(task);
    if (!series) {
      series = { steps: metrics.steps.labels(task), resets: metrics.resets.labels(task) };
      taskSeries.set(task, series);
    }
    return series;
  };
  const envs = createEnvironments(store, {
    quotaLimit: config.maxSessionsPerClient,
    onStore: (op, seconds, ok) => {
      metrics.storeDuration.observe({ op, outcome: ok ? 'ok' : 'error' }, seconds);
      if (!ok) metrics.storeErrors.inc({ op });
    },
    tasks: manager.tasks,
    onReset: (s) => perTask(s.task_id).resets.inc(),
    onStep: (s, result) => {
      perTask(s.task_id).steps.inc();
      if (result.done) metrics.episodes.inc({ task: s.task_id, outcome: String(result.info.outcome ?? 'done') });
    },
  });
  const streamable = createStreamableMcp({ envs, sessions, version: ENV_VERSION, shared: store.kind !== 'memory' });

  // An empty body with a JSON content type means "no body" (seed clients reset without one);
  // prototype-poisoning keys are rejected, and so is JSON nested too deep to parse.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      defaultJson(req, text, done);
    } catch {
      done(Object.assign(new Error('invalid JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 422 }), undefined);
    }
  });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, req, reply) => {
    const mapped = error instanceof HttpError ? error : mapFrameworkError(error);
    if (mapped) {
      metrics.errors.inc({ transport: 'http', code: mapped.code });
      // A store outage is temporary: say when to come back.
      if (typeof mapped.extra.retry_after === 'number') reply.header('retry-after', String(mapped.extra.retry_after));
      return reply.status(mapped.statusCode).send(mapped.body());
    }
    req.log.error({ err: error }, 'unhandled error');
    metrics.errors.inc({ transport: 'http', code: 'INTERNAL_ERROR' });
    return reply.status(500).send({ detail: 'internal error', code: 'INTERNAL_ERROR', message: `internal error (request ${req.id})` });
  });
  app.setNotFoundHandler((req, reply) => {
    metrics.errors.inc({ transport: 'http', code: 'NOT_FOUND' });
    return reply.status(404).send({ detail: 'Not Found', code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}` });
  });

  // Request ids travel back to the client; latency is measured per route (Fastify times each reply).
  const latency = new Map<string, { observe(v: number): void }>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const key = `${req.method} ${route} ${reply.statusCode}`;
    let series = latency.get(key);
    if (!series) {
      series = metrics.httpDuration.labels(req.method, route, String(reply.statusCode));
      latency.set(key, series);
    }
    series.observe(reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) req.log.info({ reqId: req.id, method: req.method, route, status: reply.statusCode }, 'request rejected');
    done();
  });

  // One hook on every request: its id travels back to the client; and a page on another site may not
  // drive the API from a visitor's browser (a browser names the page's origin on every cross-site POST
  // and WebSocket upgrade, even "simple" ones CORS never preflights).
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    const origin = req.headers.origin;
    if (origin === undefined || (req.method === 'GET' && !req.headers.upgrade) || req.method === 'HEAD' || req.method === 'OPTIONS') return done();
    if (config.corsOrigins.includes('*') || config.corsOrigins.includes(origin) || sameHost(origin, req.headers.host)) return done();
    const message = `cross-site request from origin ${origin.slice(0, 200)} refused; allow it with CORS_ORIGINS`;
    reply.code(403).send({ detail: message, code: 'FORBIDDEN_ORIGIN', message });
  });

  // Idle HTTP MCP sessions give their capacity slot back: their transport closes and their episode goes.
  manager.onExpired(async (id) => {
    if (streamable.has(id)) await streamable.drop(id);
    await envs.close(envKey(id)).catch(() => false);
  });

  // The WebSocket plugin goes first: its hooks must see every upgrade, even one refused by auth.
  app.register(websocket, {
    options: { maxPayload: config.wsMaxPayload },
    // A client that sends a malformed frame (bad UTF-8, reserved bits, no mask, an unknown opcode)
    // made a mistake, not the server: one short line at info, no stack, so it cannot flood the log.
    errorHandler(error: Error & { code?: string }, socket, req) {
      if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) {
        metrics.errors.inc({ transport: 'ws', code: error.code });
        req.log.info({ code: error.code, reason: error.message }, 'WebSocket closed: malformed frame from the client');
      } else req.log.error({ err: error }, 'WebSocket handler failed');
      socket.terminate();
    },
    // On shutdown, every WebSocket gets a proper close frame.
    preClose(done) {
      for (const client of app.websocketServer.clients) client.close(1001, 'server shutting down');
      done();
    },
  });
  if (config.authToken) app.register(authPlugin, { token: config.authToken });
  if (config.corsOrigins.length) app.register(cors, { origin: config.corsOrigins.includes('*') ? true : config.corsOrigins });
  // Routes declare zod schemas: they validate requests (answering the API's 422) and make /openapi.json.
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainSerializerCompiler);
  app.register(openApi);
  app.register(httpRoutes, { envs, postmortemMaxChars: config.postmortemMaxChars });
  app.register(drillRoutes, { envs });
  app.register(metaRoutes);
  // Security headers where a browser renders pages (the API explorer and the console), in a scope of
  // their own: the JSON API pays nothing for them.
  app.register(async (pages) => {
    await pages.register(helmet, {
      global: true,
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null } },
      crossOriginEmbedderPolicy: false,
    });
    await pages.register(swaggerUi, { routePrefix: '/docs' });
    await pages.register(webRoutes);
  });
  app.register(wsRoutes, { envs, sessions, metrics, pingIntervalMs: config.wsPingIntervalMs, idleTimeoutMs: config.wsIdleTimeoutMs, postmortemMaxChars: config.postmortemMaxChars, maxBufferedBytes: config.wsMaxBufferedBytes, mcpGet: mcpGet(streamable) });
  app.register(mcpHttpRoutes, { envs, sessions, streamable, shared: store.kind !== 'memory' });
  app.register(async (scope) => {
    scope.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)' } }, async (_req, reply) => {
      // Diagnostics for soak tests: with GC_BEFORE_METRICS=1 and node --expose-gc, memory is read after a full GC.
      if (config.gcBeforeMetrics) (globalThis as { gc?: () => void }).gc?.();
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  });
  app.addHook('onClose', async () => {
    await streamable.closeAll();
    await manager.close();
  });
  return { app, envs, sessions, metrics };
}
