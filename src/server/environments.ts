/**
 * Episodes in sessions: the one place where transports (seed HTTP, OpenEnv HTTP, WebSocket,
 * MCP) turn a session id and a request into a domain call. Transports map `EnvError` kinds
 * to their own status codes.
 */
import {
  ALL_TASK_IDS,
  DEFAULT_TASK_ID,
  GENERATED_TASK_ID,
  GeneratedOptionsSchema,
  RESET_OPTION_KEYS,
  findTask,
  generatedTask,
  paramsKey,
  type GeneratedParams,
  observe,
  reset as resetEpisode,
  state as episodeState,
  step as stepEpisode,
  type Action,
  type GradeReport,
  type Observation,
  type State,
  type StepOptions,
  type StepResult,
  type Task,
} from '../domain/index.js';
import type { ClientQuota } from './quota.js';
import type { Session, SessionStore } from './sessions.js';

export type EnvErrorKind = 'unknown_task' | 'invalid_options' | 'no_episode' | 'invalid_action' | 'capacity' | 'task_mismatch' | 'forbidden' | 'quota';

export class EnvError extends Error {
  constructor(
    readonly kind: EnvErrorKind,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ResetRequest {
  task_id?: string | undefined;
  seed?: number | string | null | undefined;
  episode_id?: string | null | undefined;
  /** Options of the `generated` task: difficulty, family, split. */
  [option: string]: unknown;
}

export interface Environments {
  /** `client` (an address) owns a new session, and is the only one that may use it afterwards. */
  reset(sessionId: string, request: ResetRequest, client?: string): { session: Session; observation: Observation };
  step(sessionId: string, action: Action, expectedTask?: string, client?: string, options?: StepOptions): { session: Session; result: StepResult; grade: GradeReport };
  state(sessionId: string, expectedTask?: string, client?: string): State;
  observe(sessionId: string): { observation: Observation; done: boolean };
  /** Whether a session exists (without touching its idle timer semantics beyond a read). */
  has(sessionId: string): boolean;
  close(sessionId: string): boolean;
  /** Drops what is kept beside a session that left the store (its compiled generated task). */
  forget(sessionId: string): void;
  readonly store: SessionStore;
}

export function checkTaskId(taskId: string): void {
  if (taskId !== GENERATED_TASK_ID && !findTask(taskId)) {
    throw new EnvError('unknown_task', `unknown task_id "${taskId}"; valid ids: ${ALL_TASK_IDS.join(', ')}`, { allowed: ALL_TASK_IDS });
  }
}

/** Validates the options of a generated incident (seed, difficulty, family, split). */
export function generatedParamsOrThrow(request: ResetRequest): GeneratedParams {
  const parsed = GeneratedOptionsSchema.safeParse({
    seed: request.seed ?? undefined,
    difficulty: request.difficulty ?? undefined,
    family: request.family ?? undefined,
    split: request.split ?? undefined,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new EnvError('invalid_options', `invalid options for the generated task: ${issues}`, { detail: parsed.error.issues.map((i) => ({ type: i.code, loc: i.path, msg: i.message })) });
  }
  const o = parsed.data;
  return { seed: o.seed, difficulty: o.difficulty, family: o.family ?? null, split: o.split };
}

/** Generated tasks are pure functions of their parameters; keep the recent ones compiled. */
function createTaskCache(limit: number) {
  const cache = new Map<string, Task>();
  return (params: GeneratedParams): Task => {
    const key = paramsKey(params);
    let task = cache.get(key);
    if (task) {
      cache.delete(key);
    } else {
      task = generatedTask(params);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
    }
    cache.set(key, task);
    return task;
  };
}

export interface EnvironmentsOptions {
  generatedCacheSize?: number;
  /** Sessions a client address may own at once. */
  quota?: ClientQuota;
  onReset?: (session: Session) => void;
  onStep?: (session: Session, result: StepResult) => void;
}

export function createEnvironments(store: SessionStore, options: EnvironmentsOptions = {}): Environments {
  const generated = createTaskCache(options.generatedCacheSize ?? 128);
  const { quota } = options;
  // Each live generated session keeps its compiled task beside it (the session record itself
  // stays plain JSON; the task is re-derived from its parameters when missing).
  const liveTasks = new Map<string, Task>();
  const taskOf = (session: Session): Task => {
    if (session.task_id === GENERATED_TASK_ID && session.episode.params) {
      let task = liveTasks.get(session.id);
      if (!task) {
        task = generated(session.episode.params);
        liveTasks.set(session.id, task);
      }
      return task;
    }
    checkTaskId(session.task_id);
    return findTask(session.task_id)!;
  };

  const sessionOrThrow = (sessionId: string, expectedTask?: string, client?: string): Session => {
    const session = store.get(sessionId);
    // Another client's session answers exactly as a missing one, so a guess learns nothing.
    const theirs = session?.client !== undefined && client !== undefined && session.client !== client;
    if (!session || theirs) throw new EnvError('no_episode', 'no episode in this session: call reset first');
    if (expectedTask !== undefined && expectedTask !== session.task_id) {
      throw new EnvError('task_mismatch', `this session is playing ${session.task_id}, not ${expectedTask}; reset it to change task`, {
        session_task_id: session.task_id,
      });
    }
    return session;
  };

  return {
    store,
    reset(sessionId, request, client) {
      const existing = store.get(sessionId);
      if (existing?.client !== undefined && client !== undefined && existing.client !== client) {
        throw new EnvError('forbidden', 'this session belongs to another client');
      }
      const unknown = Object.keys(request).filter((k) => !RESET_OPTION_KEYS.includes(k));
      if (unknown.length) throw new EnvError('invalid_options', `unknown reset option(s): ${unknown.join(', ')}; allowed: ${RESET_OPTION_KEYS.join(', ')}`);
      const taskId = request.task_id ?? DEFAULT_TASK_ID;
      checkTaskId(taskId);
      const task = taskId === GENERATED_TASK_ID ? generated(generatedParamsOrThrow(request)) : findTask(taskId)!;
      const seed = typeof request.seed === 'number' ? request.seed : typeof request.seed === 'string' && /^\d+$/.test(request.seed) ? Number(request.seed) : null;
      const episode = resetEpisode(task, { seed, episode_id: request.episode_id ?? null });
      const session: Session = { id: sessionId, task_id: task.scenario.id, episode, ...(client !== undefined ? { client } : {}) };
      const acquired = !existing && client !== undefined && quota !== undefined;
      if (acquired && !quota.acquire(client)) {
        throw new EnvError('quota', `this client already holds ${quota.limit} sessions (MAX_SESSIONS_PER_CLIENT); reuse or let one expire`);
      }
      if (!store.put(session)) {
        if (acquired) quota.release(client);
        throw new EnvError('capacity', `server at capacity: ${store.size} live sessions; close one or wait for idle sessions to expire`);
      }
      if (task.scenario.generated) liveTasks.set(sessionId, task);
      else liveTasks.delete(sessionId);
      options.onReset?.(session);
      return { session, observation: observe(task, episode) };
    },
    step(sessionId, action, expectedTask, client, stepOptions) {
      const session = sessionOrThrow(sessionId, expectedTask, client);
      const task = taskOf(session);
      const outcome = stepEpisode(task, session.episode, action, stepOptions);
      if (!outcome.ok) {
        const { field, message, allowed } = outcome.error;
        throw new EnvError('invalid_action', `invalid action ${field}: ${message}${allowed ? `; allowed: ${allowed.join(', ')}` : ''}`, {
          field,
          allowed,
        });
      }
      const next: Session = { ...session, episode: outcome.episode };
      store.put(next);
      if (!session.episode.done) options.onStep?.(next, outcome.result);
      return { session: next, result: outcome.result, grade: outcome.grade };
    },
    state(sessionId, expectedTask, client) {
      const session = sessionOrThrow(sessionId, expectedTask, client);
      return episodeState(taskOf(session), session.episode);
    },
    observe(sessionId) {
      const session = sessionOrThrow(sessionId);
      return { observation: observe(taskOf(session), session.episode), done: session.episode.done };
    },
    has(sessionId) {
      return store.get(sessionId) !== undefined;
    },
    close(sessionId) {
      liveTasks.delete(sessionId);
      return store.delete(sessionId);
    },
    forget(sessionId) {
      liveTasks.delete(sessionId);
    },
  };
}
