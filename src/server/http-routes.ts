/**
 * The HTTP API: the seed's routes and shapes, plus OpenEnv's request forms on the same paths,
 * recognised by their shape (see README "Two dialects on one path").
 */
import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_TASK_ID, GENERATOR_VERSION, difficultiesList, familiesList, listTasks, remedyKindsList } from '../domain/index.js';
import {
  ENV_NAME,
  ENV_VERSION,
  IncidentObservationSchema,
  IncidentStateSchema,
  OpenEnvResultSchema,
  ResetQuerySchema,
  ResetRequestSchema,
  SessionHeadersSchema,
  SessionQuerySchema,
  StepRequestSchema,
  StepResultComponent,
  TaskListSchema,
  errors,
  jsonReply,
} from './api-schemas.js';
import { EnvError, checkTaskId, type Environments } from './environments.js';
import { HttpError } from './errors.js';
import { openEnvResultJson, stepResultJson } from './serialize.js';

const ENV_ERROR_STATUS: Record<EnvError['kind'], number> = {
  unknown_task: 404,
  invalid_options: 422,
  no_episode: 409,
  task_mismatch: 409,
  invalid_action: 422,
  capacity: 503,
  forbidden: 403,
  quota: 429,
  conflict: 409,
  unavailable: 503,
};

/** A mistake in what the client sent is VALIDATION_ERROR on every transport (as on /ws and MCP). */
const VALIDATION_KINDS = new Set<EnvError['kind']>(['invalid_action', 'invalid_options', 'unknown_task']);

export function toHttpError(error: EnvError): HttpError {
  const code = VALIDATION_KINDS.has(error.kind) ? 'VALIDATION_ERROR' : error.kind.toUpperCase();
  return new HttpError(ENV_ERROR_STATUS[error.kind], code, error.message, error.extra);
}

/** Rethrows an environment's error as the HTTP error this API answers with (anything else as it is). */
const rethrown = (error: unknown): never => {
  throw error instanceof EnvError ? toHttpError(error) : error;
};

/** Runs an environment call, turning its errors into the HTTP errors this API answers with. */
export async function envCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return rethrown(error);
  }
}

/** Client addresses whose sessionless "current task" is remembered (the oldest is forgotten first). */
const MAX_DEFAULT_CLIENTS = 10_000;

export interface HttpRoutesOptions {
  envs: Environments;
  /** Longest `details` text accepted. */
  postmortemMaxChars: number;
}

const STEP_ERRORS = errors(403, 404, 409, 413, 415, 422, 503);

export async function httpRoutes(base: FastifyInstance, { envs, postmortemMaxChars }: HttpRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // Sessionless requests use one default session per task id (the seed's behaviour) for each client
  // address; a request that names no task goes to the task that client most recently reset without
  // a session id. Another client's sessionless requests never see them.
  const currentDefaultTask = new LRUCache<string, string>({ max: MAX_DEFAULT_CLIENTS });
  const setDefaultTask = (client: string, taskId: string) => currentDefaultTask.set(client, taskId);
  const defaultTaskOf = (client: string) => currentDefaultTask.get(client) ?? DEFAULT_TASK_ID;

  /** An unknown task is a 404 that lists the valid ids, not a malformed query. */
  const checked = <Q extends { task_id?: string | undefined }>(query: Q): Q => {
    if (query.task_id !== undefined) {
      try {
        checkTaskId(query.task_id);
      } catch (error) {
        rethrown(error);
      }
    }
    return query;
  };

  const sessionIdOf = (req: FastifyRequest, query: { session_id?: string | undefined }): string | undefined =>
    query.session_id ?? (req.headers as z.output<typeof SessionHeadersSchema>)['x-session-id'];

  /** The store key: explicit sessions and each client's per-task default sessions never collide. */
  const keyFor = (sessionId: string | undefined, taskId: string, client: string) => (sessionId ? `id:${sessionId}` : `default:${client}|${taskId}`);

  // API clients get the seed's banner; a browser is sent to the console.
  app.get(
    '/',
    { schema: { summary: 'Service banner (a browser is sent to the console)', response: { 200: z.object({ status: z.literal('ok'), env: z.string(), version: z.string() }) } } },
    async (req, reply) => {
      if ((req.headers.accept ?? '').includes('text/html')) return reply.redirect('/web/', 302);
      return { status: 'ok' as const, env: ENV_NAME, version: ENV_VERSION };
    },
  );
  app.get('/health', { schema: { summary: 'Health check', response: { 200: z.object({ status: z.literal('healthy') }) } } }, async () => ({ status: 'healthy' as const }));
  // FastAPI serves ReDoc at /redoc; clients that open it get the API explorer.
  app.get('/redoc', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs', 302));
  app.get('/tasks', { schema: { summary: 'The tasks, their rubrics, the generator\'s families, remedies and difficulty ladder', response: { 200: TaskListSchema } } }, async () => ({
    tasks: [
      ...listTasks(),
      {
        id: 'generated' as const,
        title: 'Generated incident',
        difficulty: 'configurable' as const,
        max_steps: null,
        description: 'An endless supply of seeded incidents: reset with seed, difficulty, family and split.',
        options: { seed: 'integer >= 0', difficulty: ['easy', 'medium', 'hard', 'expert'], family: 'one of families[].id (optional)', split: ['train', 'test'] },
      },
    ],
    generator_version: GENERATOR_VERSION,
    families: familiesList(),
    remedy_kinds: remedyKindsList(),
    difficulties: difficultiesList(),
  }));

  // A session id made by the server: 128 random bits, owned by the caller.
  app.post(
    '/session',
    {
      schema: {
        summary: 'Start an episode in a new session whose id the server makes (128 random bits, owned by the caller)',
        querystring: ResetQuerySchema.omit({ session_id: true }),
        response: { 200: z.object({ session_id: z.string(), observation: IncidentObservationSchema }), ...errors(404, 422, 429, 503) },
      },
    },
    async (req) => {
      const { task_id, seed, episode_id, difficulty, family, split } = checked(req.query);
      const sessionId = randomBytes(16).toString('base64url');
      const request = stripUndefined({ task_id, seed, episode_id, difficulty, family, split });
      const { observation } = await envCall(() => envs.reset(keyFor(sessionId, request.task_id ?? DEFAULT_TASK_ID, req.ip), request, req.ip));
      return { session_id: sessionId, observation };
    },
  );

  app.post(
    '/reset',
    {
      schema: {
        summary: 'Start an episode',
        description: 'Seed form: no body, answers the Observation. OpenEnv form: a JSON object body of reset options ({} allowed), answers {observation, reward, done}.',
        querystring: ResetQuerySchema,
        headers: SessionHeadersSchema,
        body: ResetRequestSchema,
        response: { 200: jsonReply(z.union([IncidentObservationSchema, OpenEnvResultSchema]), 'Observation (seed form) or OpenEnv result'), ...errors(403, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (req, reply) => {
      const query = checked(req.query);
      const sessionId = sessionIdOf(req, query);
      const options = req.body;
      const openenv = options !== undefined && options !== null;
      const { task_id, seed, episode_id, difficulty, family, split } = query;
      const request = { ...stripUndefined({ task_id, seed, episode_id, difficulty, family, split }), ...stripUndefined(options ?? {}) };
      const taskId = request.task_id ?? DEFAULT_TASK_ID;
      const { observation, session } = await envCall(() => envs.reset(keyFor(sessionId, taskId, req.ip), { ...request, task_id: taskId }, sessionId ? req.ip : undefined));
      if (!sessionId) setDefaultTask(req.ip, session.task_id);
      if (sessionId) reply.header('x-session-id', sessionId);
      return openenv ? { observation, reward: null, done: false } : observation;
    },
  );

  app.post(
    '/step',
    {
      schema: {
        summary: 'Take one action',
        description: 'Seed form: the action is the body, answers StepResult. OpenEnv form: {"action": {...}}, answers {observation, reward, done}.',
        querystring: SessionQuerySchema,
        headers: SessionHeadersSchema,
        body: StepRequestSchema,
        response: { 200: jsonReply(z.union([StepResultComponent, OpenEnvResultSchema]), 'StepResult (seed form) or OpenEnv result'), ...STEP_ERRORS },
      },
    },
    async (req, reply) => {
      const query = checked(req.query);
      const sessionId = sessionIdOf(req, query);
      const body = req.body;
      const openenv = 'action' in body;
      const action = 'action' in body ? body.action : body;
      if ((action.details?.length ?? 0) > postmortemMaxChars) {
        throw new HttpError(422, 'VALIDATION_ERROR', `invalid action details: at most ${postmortemMaxChars} characters (POSTMORTEM_MAX_CHARS), got ${action.details!.length}`, {
          detail: [{ type: 'too_big', loc: ['body', ...(openenv ? ['action'] : []), 'details'], msg: `at most ${postmortemMaxChars} characters` }],
        });
      }
      const taskId = query.task_id ?? (sessionId ? undefined : defaultTaskOf(req.ip));
      const key = keyFor(sessionId, taskId ?? DEFAULT_TASK_ID, req.ip);
      // A retried request (same Idempotency-Key, or OpenEnv's request_id) gets the reply it missed, applied once.
      const header = req.headers['idempotency-key'];
      const idempotencyKey = 'action' in body ? body.request_id : undefined;
      const retryKey = typeof header === 'string' && header.length > 0 ? header.slice(0, 255) : idempotencyKey;
      const { result, replayed } = await envCall(() => envs.step(key, action, sessionId ? query.task_id : undefined, sessionId ? req.ip : undefined, { forgiving: !openenv }, retryKey));
      if (replayed) reply.header('idempotent-replayed', 'true');
      if (sessionId) reply.header('x-session-id', sessionId);
      reply.type('application/json; charset=utf-8');
      // Already serialised: observations share their big parts between steps (serialize.ts).
      return (openenv ? openEnvResultJson(result.observation, result.reward.value, result.done) : stepResultJson(result)) as never;
    },
  );

  app.get(
    '/state',
    {
      schema: {
        summary: 'Episode state, score and rubric explanation',
        querystring: SessionQuerySchema,
        headers: SessionHeadersSchema,
        response: { 200: IncidentStateSchema, ...errors(403, 404, 409, 422, 503) },
      },
    },
    async (req) => {
      const query = checked(req.query);
      const sessionId = sessionIdOf(req, query);
      const taskId = query.task_id ?? (sessionId ? undefined : defaultTaskOf(req.ip));
      const key = keyFor(sessionId, taskId ?? DEFAULT_TASK_ID, req.ip);
      const state = await envCall(() => envs.state(key, sessionId ? query.task_id : undefined, sessionId ? req.ip : undefined));
      return sessionId ? { ...state, session_id: sessionId } : state;
    },
  );
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
