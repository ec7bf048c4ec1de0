/**
 * Episodes in sessions: the one place where transports (seed HTTP, OpenEnv HTTP, WebSocket,
 * MCP) turn a session id and a request into a domain call. Transports map `EnvError` kinds
 * to their own status codes.
 */
import {
  DEFAULT_TASK_ID,
  TASK_IDS,
  findTask,
  observe,
  reset as resetEpisode,
  state as episodeState,
  step as stepEpisode,
  type Action,
  type GradeReport,
  type Observation,
  type State,
  type StepResult,
  type Task,
} from '../domain/index.js';
import type { Session, SessionStore } from './sessions.js';

export type EnvErrorKind = 'unknown_task' | 'no_episode' | 'invalid_action' | 'capacity' | 'task_mismatch';

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
  seed?: number | null | undefined;
  episode_id?: string | null | undefined;
}

export interface Environments {
  reset(sessionId: string, request: ResetRequest): { session: Session; observation: Observation };
  step(sessionId: string, action: Action, expectedTask?: string): { session: Session; result: StepResult; grade: GradeReport };
  state(sessionId: string, expectedTask?: string): State;
  observe(sessionId: string): { observation: Observation; done: boolean };
  /** Whether a session exists (without touching its idle timer semantics beyond a read). */
  has(sessionId: string): boolean;
  close(sessionId: string): boolean;
  readonly store: SessionStore;
}

export function taskOrThrow(taskId: string): Task {
  const task = findTask(taskId);
  if (!task) {
    throw new EnvError('unknown_task', `unknown task_id "${taskId}"; valid ids: ${TASK_IDS.join(', ')}`, { allowed: TASK_IDS });
  }
  return task;
}

export function createEnvironments(store: SessionStore): Environments {
  const sessionOrThrow = (sessionId: string, expectedTask?: string): Session => {
    const session = store.get(sessionId);
    if (!session) throw new EnvError('no_episode', 'no episode in this session: call reset first');
    if (expectedTask !== undefined && expectedTask !== session.task_id) {
      throw new EnvError('task_mismatch', `this session is playing ${session.task_id}, not ${expectedTask}; reset it to change task`, {
        session_task_id: session.task_id,
      });
    }
    return session;
  };

  return {
    store,
    reset(sessionId, request) {
      const task = taskOrThrow(request.task_id ?? DEFAULT_TASK_ID);
      const episode = resetEpisode(task, { seed: request.seed ?? null, episode_id: request.episode_id ?? null });
      const session: Session = { id: sessionId, task_id: task.scenario.id, episode };
      if (!store.put(session)) {
        throw new EnvError('capacity', `server at capacity: ${store.size} live sessions; close one or wait for idle sessions to expire`);
      }
      return { session, observation: observe(task, episode) };
    },
    step(sessionId, action, expectedTask) {
      const session = sessionOrThrow(sessionId, expectedTask);
      const task = taskOrThrow(session.task_id);
      const outcome = stepEpisode(task, session.episode, action);
      if (!outcome.ok) {
        const { field, message, allowed } = outcome.error;
        throw new EnvError('invalid_action', `invalid action ${field}: ${message}${allowed ? `; allowed: ${allowed.join(', ')}` : ''}`, {
          field,
          allowed,
        });
      }
      const next: Session = { ...session, episode: outcome.episode };
      store.put(next);
      return { session: next, result: outcome.result, grade: outcome.grade };
    },
    state(sessionId, expectedTask) {
      const session = sessionOrThrow(sessionId, expectedTask);
      return episodeState(taskOrThrow(session.task_id), session.episode);
    },
    observe(sessionId) {
      const session = sessionOrThrow(sessionId);
      return { observation: observe(taskOrThrow(session.task_id), session.episode), done: session.episode.done };
    },
    has(sessionId) {
      return store.get(sessionId) !== undefined;
    },
    close(sessionId) {
      return store.delete(sessionId);
    },
  };
}
