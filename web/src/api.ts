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

/**
 * A server started with ENV_AUTH_TOKEN needs the token on every API call. The console takes it from
 * the address's fragment (`/web/#token=…`, which browsers never send to a server) and keeps it for
 * the tab's lifetime only.
 */
function accessToken(): string | null {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem('incident-env-token', fromHash);
    // The rest of the fragment is the console's own state: only the token leaves the address bar.
    hash.delete('token');
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash.size ? `#${hash.toString()}` : ''}`);
  }
  return sessionStorage.getItem('incident-env-token');
}

function api(path: string, init: RequestInit = {}): Promise<Response> {
  const token = accessToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(path, { ...init, headers });
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { message?: string; code?: string };
  if (res.status === 401) throw new Error('This server needs an access token: open the console as /web/#token=<your ENV_AUTH_TOKEN>.');
  // The server's code travels with the error (a VALIDATION_ERROR is a refused action, not a failure).
  if (!res.ok) throw Object.assign(new Error(body.message ?? `HTTP ${res.status}`), { code: body.code, status: res.status });
  return body;
}

export const fetchTasks = async () => json<TaskList>(await api('/tasks'));

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
  const r = await json<{ session_id: string; observation: Observation }>(await api(`/session?${queryOf(p)}`, { method: 'POST' }));
  return { id: r.session_id, observation: r.observation };
}

export async function step(session: string, action: Action): Promise<StepResult> {
  return json<StepResult>(await api(`/step?session_id=${encodeURIComponent(session)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) }));
}

export async function state(session: string): Promise<State> {
  return json<State>(await api(`/state?session_id=${encodeURIComponent(session)}`));
}

/** A drill: the player's session and the facilitator's key (exam: rewards hidden from the player until the end). */
export async function startDrill(p: IncidentParams, exam: boolean): Promise<Session & { key: string }> {
  const r = await json<{ session_id: string; facilitator_key: string; observation: Observation }>(await api(`/drill?${queryOf(p)}&exam=${exam ? 1 : 0}`, { method: 'POST' }));
  return { id: r.session_id, observation: r.observation, key: r.facilitator_key };
}

export interface Hint {
  step: number;
  text: string;
}

export const fetchHints = async (id: string) => json<{ hints: Hint[]; exam: boolean }>(await api(`/drill/${encodeURIComponent(id)}/hints`));

export interface DrillView {
  session_id: string;
  task_id: string;
  exam: boolean;
  hints: Hint[];
  ground_truth: { faults?: { root_cause: string; team: string; fix: string; family: string; mechanism: string; needs_first?: string[] }[]; root_cause?: string; team?: string; fix?: string; mechanism?: string };
  observation: Observation;
  state: State;
}

export const fetchDrill = async (id: string, key: string) => json<DrillView>(await api(`/drill/${encodeURIComponent(id)}?key=${encodeURIComponent(key)}`));

export async function sendHint(id: string, key: string, text: string): Promise<Hint[]> {
  return (await json<{ hints: Hint[] }>(await api(`/drill/${encodeURIComponent(id)}/hints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, text }) }))).hints;
}
