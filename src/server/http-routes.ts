/**
 * The HTTP API: the seed's routes and shapes, plus OpenEnv's request forms on the same paths,
 * recognised by their shape (see README "Two dialects on one path").
 */
import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ActionSchema, DEFAULT_TASK_ID, GENERATOR_VERSION, ResetOptionsSchema, SeedSchema, difficultiesList, familiesList, listTasks, remedyKindsList } from '../domain/index.js';
import { EnvError, checkTaskId, type Environments } from './environments.js';
import { HttpError, validationError } from './errors.js';
import { openEnvResultJson, stepResultJson } from './serialize.js';

export const ENV_NAME = 'incident-response-openenv';
export const ENV_VERSION = '1.0.0';

export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'session_id must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"');

const QuerySchema = z.looseObject({
  task_id: z.string().min(1).max(100).optional(),
  session_id: SessionIdSchema.optional(),
  seed: SeedSchema.optional(),
  episode_id: z.string().max(255).optional(),
  difficulty: z.string().max(20).optional(),
  family: z.string().max(60).optional(),
  split: z.string().max(10).optional(),
});
type Query = z.infer<typeof QuerySchema>;

const OpenEnvStepSchema = z.looseObject({
  action: z.record(z.string(), z.unknown()),
  timeout_s: z.number().gt(0).optional(),
  request_id: z.string().max(255).optional(),
});

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

/** Runs an environment call, turning its errors into the HTTP errors this API answers with. */
export async function envCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof EnvError) throw toHttpError(error);
    throw error;
  }
}

/** Client addresses whose sessionless "current task" is remembered (the oldest is forgotten first). */
const MAX_DEFAULT_CLIENTS = 10_000;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface HttpRoutesOptions {
  envs: Environments;
  /** Longest `details` text accepted. */
  postmortemMaxChars: number;
}

export async function httpRoutes(app: FastifyInstance, { envs, postmortemMaxChars }: HttpRoutesOptions): Promise<void> {
  // Sessionless requests use one default session per task id (the seed's behaviour) for each client
  // address; a request that names no task goes to the task that client most recently reset without
  // a session id. Another client's sessionless requests never see them.
  const currentDefaultTask = new LRUCache<string, string>({ max: MAX_DEFAULT_CLIENTS });
  const setDefaultTask = (client: string, taskId: string) => currentDefaultTask.set(client, taskId);
  const defaultTaskOf = (client: string) => currentDefaultTask.get(client) ?? DEFAULT_TASK_ID;

  const run = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof EnvError) throw toHttpError(error);
      throw error;
    }
  };

  const parseQuery = (req: FastifyRequest): Query => {
    const parsed = QuerySchema.safeParse(req.query ?? {});
    if (!parsed.success) throw validationError(parsed.error, ['query'], 'query parameters');
    if (parsed.data.task_id !== undefined) run(() => checkTaskId(parsed.data.task_id!));
    return parsed.data;
  };

  const sessionIdOf = (req: FastifyRequest, query: Query): string | undefined => {
    const header = req.headers['x-session-id'];
    const fromHeader = Array.isArray(header) ? header[0] : header;
    const raw = query.session_id ?? fromHeader;
    if (raw === undefined) return undefined;
    const parsed = SessionIdSchema.safeParse(raw);
    if (!parsed.success) throw validationError(parsed.error, ['header', 'x-session-id'], 'session id');
    return parsed.data;
  };

  /** The store key: explicit sessions and each client's per-task default sessions never collide. */
  const keyFor = (sessionId: string | undefined, taskId: string, client: string) => (sessionId ? `id:${sessionId}` : `default:${client}|${taskId}`);

  // API clients get the seed's banner; a browser is sent to the console.
  app.get('/', async (req, reply) => {
    if ((req.headers.accept ?? '').includes('text/html')) return reply.redirect('/web/', 302);
    return { status: 'ok', env: ENV_NAME, version: ENV_VERSION };
  });
  app.get('/health', async () => ({ status: 'healthy' }));
  // FastAPI serves ReDoc at /redoc; clients that open it get the API explorer.
  app.get('/redoc', async (_req, reply) => reply.redirect('/docs', 302));
  app.get('/tasks', async () => ({
    tasks: [
      ...listTasks(),
      {
        id: 'generated',
        title: 'Generated incident',
        difficulty: 'configurable',
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
  app.post('/session', async (req: FastifyRequest) => {
    const query = parseQuery(req);
    const sessionId = randomBytes(16).toString('base64url');
    const { task_id, seed, episode_id, difficulty, family, split } = query;
    const request = stripUndefined({ task_id, seed, episode_id, difficulty, family, split });
    const { observation } = await envCall(() => envs.reset(keyFor(sessionId, request.task_id ?? DEFAULT_TASK_ID, req.ip), request, req.ip));
    return { session_id: sessionId, observation };
  });

  app.post('/reset', async (req: FastifyRequest, reply: FastifyReply) => {
    const query = parseQuery(req);
    const sessionId = sessionIdOf(req, query);
    const body: unknown = req.body;
    const openenv = body !== undefined && body !== null;
    if (openenv && !isPlainObject(body)) {
      throw new HttpError(422, 'VALIDATION_ERROR', 'the /reset body must be a JSON object of reset options (or absent)');
    }
    let options = {};
    if (openenv) {
      const parsed = ResetOptionsSchema.safeParse(body);
      if (!parsed.success) throw validationError(parsed.error, ['body'], 'reset options');
      options = parsed.data;
    }
    const { task_id, seed, episode_id, difficulty, family, split } = query;
    const request = { ...stripUndefined({ task_id, seed, episode_id, difficulty, family, split }), ...stripUndefined(options) };
    const taskId = request.task_id ?? DEFAULT_TASK_ID;
    const { observation, session } = await envCall(() => envs.reset(keyFor(sessionId, taskId, req.ip), { ...request, task_id: taskId }, sessionId ? req.ip : undefined));
    if (!sessionId) setDefaultTask(req.ip, session.task_id);
    if (sessionId) reply.header('x-session-id', sessionId);
    return openenv ? { observation, reward: null, done: false } : observation;
  });

  app.post('/step', async (req: FastifyRequest, reply: FastifyReply) => {
    const query = parseQuery(req);
    const sessionId = sessionIdOf(req, query);
    const body: unknown = req.body;
    if (!isPlainObject(body)) {
      throw new HttpError(422, 'VALIDATION_ERROR', 'the /step body must be a JSON object: an action, or {"action": {...}}', {
        detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }],
      });
    }
    const openenv = 'action' in body && !('action_type' in body);
    // The seed dialect is as forgiving as the seed: unknown keys (a model's "reasoning") are
    // ignored and targets are trimmed and case-folded. OpenEnv's dialect stays strict, as its models are.
    let actionInput: unknown = openenv ? body : seedAction(body);
    if (openenv) {
      const envelope = OpenEnvStepSchema.safeParse(body);
      if (!envelope.success) throw validationError(envelope.error, ['body'], 'step request');
      actionInput = envelope.data.action;
    }
    const action = ActionSchema.safeParse(actionInput);
    if (action.success && (action.data.details?.length ?? 0) > postmortemMaxChars) {
      throw new HttpError(422, 'VALIDATION_ERROR', `invalid action details: at most ${postmortemMaxChars} characters (POSTMORTEM_MAX_CHARS), got ${action.data.details!.length}`, {
        detail: [{ type: 'too_big', loc: ['body', ...(openenv ? ['action'] : []), 'details'], msg: `at most ${postmortemMaxChars} characters` }],
      });
    }
    if (!action.success) throw validationError(action.error, openenv ? ['body', 'action'] : ['body'], 'action');
    const taskId = query.task_id ?? (sessionId ? undefined : defaultTaskOf(req.ip));
    const key = keyFor(sessionId, taskId ?? DEFAULT_TASK_ID, req.ip);
    // A retried request (same Idempotency-Key, or OpenEnv's request_id) gets the reply it missed, applied once.
    const header = req.headers['idempotency-key'];
    const idempotencyKey = openenv ? (body.request_id as string | undefined) : undefined;
    const retryKey = typeof header === 'string' && header.length > 0 ? header.slice(0, 255) : idempotencyKey;
    const { result, replayed } = await envCall(() => envs.step(key, action.data, sessionId ? query.task_id : undefined, sessionId ? req.ip : undefined, { forgiving: !openenv }, retryKey));
    if (replayed) reply.header('idempotent-replayed', 'true');
    if (sessionId) reply.header('x-session-id', sessionId);
    reply.type('application/json; charset=utf-8');
    return openenv ? openEnvResultJson(result.observation, result.reward.value, result.done) : stepResultJson(result);
  });

  app.get('/state', async (req: FastifyRequest) => {
    const query = parseQuery(req);
    const sessionId = sessionIdOf(req, query);
    const taskId = query.task_id ?? (sessionId ? undefined : defaultTaskOf(req.ip));
    const key = keyFor(sessionId, taskId ?? DEFAULT_TASK_ID, req.ip);
    const state = await envCall(() => envs.state(key, sessionId ? query.task_id : undefined, sessionId ? req.ip : undefined));
    return sessionId ? { ...state, session_id: sessionId } : state;
  });
}

/** The action's own keys, from its schema: anything else in a seed-dialect body is ignored. */
const SEED_ACTION_KEYS = Object.keys(ActionSchema.shape);

/** An action as the seed read it: known keys only, the target trimmed and case-folded. */
function seedAction(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SEED_ACTION_KEYS) if (Object.hasOwn(body, k)) out[k] = body[k];
  if (typeof out.target === 'string') out.target = out.target.trim().toLowerCase();
  return out;
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
