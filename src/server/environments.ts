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
  type GeneratedParams,
  observe,
  reset as resetEpisode,
  state as episodeState,
  step as stepEpisode,
  type Action,
  type Observation,
  type State,
  type StepOptions,
  type StepResult,
  type Task,
} from '../domain/index.js';
import { createTaskCache, type TaskCache } from './session-manager.js';
import { StoreUnavailable, type Drill, type Session, type SessionStore } from './sessions.js';

export type EnvErrorKind = 'unknown_task' | 'invalid_options' | 'no_episode' | 'invalid_action' | 'capacity' | 'task_mismatch' | 'forbidden' | 'quota' | 'conflict' | 'unavailable';

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

/**
 * Every call reads and writes the session store, which may be shared by many replicas: a step
 * that lost a race with another write to its session fails with `conflict` and changes nothing;
 * an unreachable store fails with `unavailable`.
 */
export interface Environments {
  /** `client` (an address) owns a new session, and is the only one that may use it afterwards. */
  reset(sessionId: string, request: ResetRequest, client?: string, drill?: Drill): Promise<{ session: Session; observation: Observation }>;
  /**
   * `idempotencyKey`: a step retried with the key of the session's last step returns that step's
   * result again and changes nothing (`replayed`).
   */
  step(sessionId: string, action: Action, expectedTask?: string, client?: string, options?: StepOptions, idempotencyKey?: string): Promise<{ session: Session; result: StepResult; replayed: boolean }>;
  state(sessionId: string, expectedTask?: string, client?: string): Promise<State>;
  observe(sessionId: string): Promise<{ observation: Observation; done: boolean }>;
  /** Whether a session exists. */
  has(sessionId: string): Promise<boolean>;
  /**
   * A session as a facilitator sees it (no ownership check: the caller checked the drill key):
   * its state, its current observation and the ground truth, even mid-episode.
   */
  inspect(sessionId: string): Promise<{ session: Session; state: State; observation: Observation; truth: unknown } | null>;
  /** Changes a session's record (not its episode), retrying once if a step wrote it meanwhile. */
  update(sessionId: string, change: (s: Session) => Session): Promise<Session | null>;
  close(sessionId: string): Promise<boolean>;
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

export interface EnvironmentsOptions {
  /** Compiled generated tasks (the session manager's); without one, a private cache of 128. */
  tasks?: TaskCache;
  /** Sessions a client address may own at once (reported in the quota error; the store enforces it). */
  quotaLimit?: number;
  /** Every operation's latency and outcome on a shared (Redis) store, for /metrics. */
  onStore?: (op: string, seconds: number, ok: boolean) => void;
  onReset?: (session: Session) => void;
  onStep?: (session: Session, result: StepResult) => void;
}

export function createEnvironments(store: SessionStore, options: EnvironmentsOptions = {}): Environments {
  // Each live generated session keeps its compiled task beside it (the session record itself
  // stays plain JSON; the task is re-derived from its parameters when missing).
  const tasks = options.tasks ?? createTaskCache(128, store.kind === 'memory');
  // Only a shared store's latency is worth timing: the in-memory one answers from a Map.
  const onStore = store.kind === 'memory' ? undefined : options.onStore;
  /** Store errors become the environment's own: unavailable is retryable, nothing was changed. */
  const stored = async <T>(name: string, op: () => Promise<T>): Promise<T> => {
    const started = onStore ? performance.now() : 0;
    try {
      const value = await op();
      onStore?.(name, (performance.now() - started) / 1000, true);
      return value;
    } catch (error) {
      onStore?.(name, (performance.now() - started) / 1000, false);
      if (error instanceof StoreUnavailable) throw new EnvError('unavailable', `${error.message}; nothing was changed, retry shortly`, { retry_after: 1 });
      throw error;
    }
  };
  const taskOf = (session: Session): Task => {
    if (session.task_id === GENERATED_TASK_ID && session.episode.params) {
      let task = tasks.pinned(session.id);
      if (!task) {
        task = tasks.forParams(session.episode.params);
        tasks.pin(session.id, task);
      }
      return task;
    }
    checkTaskId(session.task_id);
    return findTask(session.task_id)!;
  };

  const sessionOrThrow = async (sessionId: string, expectedTask?: string, client?: string): Promise<Session> => {
    const session = await stored('get', () => store.get(sessionId));
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
    async reset(sessionId, request, client, drill) {
      const existing = await stored('get', () => store.get(sessionId));
      if (existing?.client !== undefined && client !== undefined && existing.client !== client) {
        throw new EnvError('forbidden', 'this session belongs to another client');
      }
      const unknown = Object.keys(request).filter((k) => !RESET_OPTION_KEYS.includes(k));
      if (unknown.length) throw new EnvError('invalid_options', `unknown reset option(s): ${unknown.join(', ')}; allowed: ${RESET_OPTION_KEYS.join(', ')}`);
      const taskId = request.task_id ?? DEFAULT_TASK_ID;
      checkTaskId(taskId);
      const task = taskId === GENERATED_TASK_ID ? tasks.forParams(generatedParamsOrThrow(request)) : findTask(taskId)!;
      const seed = typeof request.seed === 'number' ? request.seed : typeof request.seed === 'string' && /^\d+$/.test(request.seed) ? Number(request.seed) : null;
      const episode = resetEpisode(task, { seed, episode_id: request.episode_id ?? null });
      // A drill keeps its facilitator and hints across resets of its session.
      const keptDrill = drill ?? existing?.drill;
      const session: Session = { id: sessionId, task_id: task.scenario.id, episode, ...(client !== undefined ? { client } : {}), ...(keptDrill ? { drill: keptDrill } : {}) };
      const put = await stored('put', () => store.put(session));
      if (!put.ok) {
        if (put.reason === 'quota') throw new EnvError('quota', `this client already holds ${options.quotaLimit ?? 'its quota of'} sessions (MAX_SESSIONS_PER_CLIENT); reuse or let one expire`);
        if (put.reason === 'full') throw new EnvError('capacity', 'server at capacity: every session slot (MAX_SESSIONS) is live; close one or wait for idle sessions to expire');
        throw new EnvError('conflict', 'the session changed while this reset ran; nothing was applied, retry');
      }
      if (task.scenario.generated) tasks.pin(sessionId, task);
      else tasks.unpin(sessionId);
      const saved = { ...session, version: put.version };
      options.onReset?.(saved);
      return { session: saved, observation: observe(task, episode) };
    },
    async step(sessionId, action, expectedTask, client, stepOptions, idempotencyKey) {
      const session = await sessionOrThrow(sessionId, expectedTask, client);
      if (idempotencyKey !== undefined && session.last?.key === idempotencyKey) return { session, result: session.last.result, replayed: true };
      const task = taskOf(session);
      const outcome = stepEpisode(task, session.episode, action, stepOptions);
      if (!outcome.ok) {
        const { field, message, allowed } = outcome.error;
        throw new EnvError('invalid_action', `invalid action ${field}: ${message}${allowed ? `; allowed: ${allowed.join(', ')}` : ''}`, {
          field,
          allowed,
        });
      }
      // Compare-and-set: if another request wrote this session since it was read, this step is not applied.
      const { last: _previous, ...rest } = session;
      const written: Session = { ...rest, episode: outcome.episode, ...(idempotencyKey !== undefined ? { last: { key: idempotencyKey, result: outcome.result } } : {}) };
      const put = await stored('put', () => store.put(written, session.version));
      if (!put.ok) {
        if (put.reason === 'conflict') throw new EnvError('conflict', 'another request changed this session while this step ran; this step was not applied: read /state and retry');
        throw new EnvError('capacity', 'the session expired while this step ran; reset to start again');
      }
      const next: Session = { ...written, version: put.version };
      if (!session.episode.done) options.onStep?.(next, outcome.result);
      return { session: next, result: outcome.result, replayed: false };
    },
    async state(sessionId, expectedTask, client) {
      const session = await sessionOrThrow(sessionId, expectedTask, client);
      return episodeState(taskOf(session), session.episode);
    },
    async observe(sessionId) {
      const session = await sessionOrThrow(sessionId);
      return { observation: observe(taskOf(session), session.episode), done: session.episode.done };
    },
    async inspect(sessionId) {
      const session = await stored('get', () => store.get(sessionId));
      if (!session) return null;
      const task = taskOf(session);
      const g = task.scenario.generated;
      const truth = g ? { faults: g.faults.map(({ concepts: _c, decisive: _d, ...f }) => f) } : { ...task.scenario.truth };
      return { session, state: episodeState(task, session.episode), observation: observe(task, session.episode), truth };
    },
    async update(sessionId, change) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const session = await stored('get', () => store.get(sessionId));
        if (!session) return null;
        const next = change(session);
        const put = await stored('put', () => store.put(next, session.version));
        if (put.ok) return { ...next, version: put.version };
      }
      throw new EnvError('conflict', 'the session kept changing while this update ran; retry');
    },
    async has(sessionId) {
      return (await stored('get', () => store.get(sessionId))) !== undefined;
    },
    async close(sessionId) {
      tasks.unpin(sessionId);
      return stored('delete', () => store.delete(sessionId));
    },
  };
}
