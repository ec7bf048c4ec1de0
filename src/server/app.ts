/** Builds the Fastify application: parsers, error mapping and every route plugin. */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.js';
import { createEnvironments, type Environments } from './environments.js';
import { HttpError } from './errors.js';
import { httpRoutes } from './http-routes.js';
import { mcpHttpRoutes } from './mcp-http.js';
import { metaRoutes } from './meta-routes.js';
import { createProtocolSessions, envKey, type ProtocolSessions } from './protocol-sessions.js';
import { wsRoutes } from './ws-routes.js';
import websocket from '@fastify/websocket';
import { createMemoryStore } from './sessions.js';

export interface App {
  app: FastifyInstance;
  envs: Environments;
  sessions: ProtocolSessions;
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
      return new HttpError(413, 'BODY_TOO_LARGE', error.message);
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

export function buildApp(config: ServerConfig): App {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    genReqId: (() => {
      let n = 0;
      return () => `req-${(++n).toString(36)}`;
    })(),
  });
  const store = createMemoryStore({ maxSessions: config.maxSessions, ttlMs: config.sessionTtlMs });
  const envs = createEnvironments(store);

  // An empty body with a JSON content type means "no body" (seed clients reset without one);
  // prototype-poisoning keys are rejected.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    defaultJson(req, text, done);
  });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, req, reply) => {
    const mapped = error instanceof HttpError ? error : mapFrameworkError(error);
    if (mapped) return reply.status(mapped.statusCode).send(mapped.body());
    req.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ detail: 'internal error', code: 'INTERNAL_ERROR', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ detail: 'Not Found', code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  const sessions = createProtocolSessions(config.maxConcurrentEnvs, config.sessionTtlMs);
  // Idle HTTP MCP sessions give their capacity slot back.
  const reaper = setInterval(() => {
    for (const id of sessions.expired()) {
      sessions.close(id);
      envs.close(envKey(id));
    }
  }, Math.min(60_000, Math.max(1000, config.sessionTtlMs / 4)));
  reaper.unref();

  app.register(websocket, { options: { maxPayload: config.wsMaxPayload } });
  app.register(httpRoutes, { envs });
  app.register(metaRoutes);
  app.register(wsRoutes, { envs, sessions, maxPayload: config.wsMaxPayload });
  app.register(mcpHttpRoutes, { envs, sessions });
  app.addHook('onClose', async () => {
    clearInterval(reaper);
    store.close();
  });
  return { app, envs, sessions };
}
