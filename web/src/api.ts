/** The console talks to the environment server like any client: HTTP with a server-made session. */
import type { Action, Observation, State, StepResult } from '../../src/domain/schemas.js';

export interface IncidentParams {
  task_id: string;
  seed: number;
  difficulty: string;
  split: string;
  family: string;
}

export interface TaskList {
  tasks: { id: string; title: string; difficulty: string }[];
  families: { id: string; title: string }[];
  difficulties: { id: string }[];
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

export const fetchTasks = async () => json<TaskList>(await fetch('/tasks'));

export function queryOf(p: IncidentParams): string {
  const q = new URLSearchParams({ task_id: p.task_id });
  if (p.task_id === 'generated') {
    q.set('seed', String(p.seed));
    q.set('difficulty', p.difficulty);
    q.set('split', p.split);
    if (p.family) q.set('family', p.family);
  }
  return q.toString();
}

export interface Session {
  id: string;
  observation: Observation;
}

export async function startSession(p: IncidentParams): Promise<Session> {
  const r = await json<{ session_id: string; observation: Observation }>(await fetch(`/session?${queryOf(p)}`, { method: 'POST' }));
  return { id: r.session_id, observation: r.observation };
}

export async function step(session: string, action: Action): Promise<StepResult> {
  return json<StepResult>(await fetch(`/step?session_id=${encodeURIComponent(session)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) }));
}

export async function state(session: string): Promise<State> {
  return json<State>(await fetch(`/state?session_id=${encodeURIComponent(session)}`));
}
