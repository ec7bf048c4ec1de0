/** What the console keeps of an episode: one frame per step, whoever produced it (a person, an agent, a replay). */
import type { Action, Observation, State } from '../../src/domain/schemas.js';

export interface Frame {
  observation: Observation;
  action: Action | null;
  reward: number | null;
  reason: string;
  done: boolean;
  score: number | null;
}

export type Health = 'down' | 'degraded' | 'ok';

export function health(m: Record<string, number> | undefined): Health {
  const e = m?.error_rate ?? 0;
  return e >= 0.2 ? 'down' : e >= 0.05 ? 'degraded' : 'ok';
}

export function severityOf(alert: string): string {
  const m = /^\[([A-Z]+)\]/.exec(alert);
  return (m?.[1] ?? 'INFO').toLowerCase();
}

/** The root causes once the episode is over (never before: the server does not reveal them). */
export function rootsOf(s: State | null): string[] {
  if (!s || !s.done) return [];
  const faults = s.faults as { root_cause: string }[] | undefined;
  if (faults) return faults.map((f) => f.root_cause);
  return s.ground_truth?.root_cause ? [s.ground_truth.root_cause] : [];
}

export { targetsOf } from '../../src/domain/available.js';
