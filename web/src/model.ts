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

/**
 * A service's health from every signal it shows: its error rate, its firing alerts (a database at
 * 88% CPU alerts without erroring), and any saturated gauge (`*_used_pct` at 90% or more).
 */
export function health(m: Record<string, number> | undefined, alerts: readonly string[] = []): Health {
  const e = m?.error_rate ?? 0;
  if (e >= 0.2 || alerts.some((a) => a.startsWith('[CRITICAL]'))) return 'down';
  const saturated = Object.entries(m ?? {}).some(([k, v]) => k.endsWith('_used_pct') && v >= 90);
  if (e >= 0.05 || saturated || alerts.some((a) => a.startsWith('[WARNING]'))) return 'degraded';
  return 'ok';
}

/** Shown with the colour, so health never rests on colour alone. */
export const HEALTH_MARK: Record<Health, { symbol: string; word: string }> = {
  down: { symbol: '✕', word: 'failing' },
  degraded: { symbol: '!', word: 'degraded' },
  ok: { symbol: '✓', word: 'healthy' },
};

/** Firing alerts (not resolved) by the service they name. */
export function firingBy(alerts: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of alerts) {
    const m = /^\[(CRITICAL|WARNING)\] ([^:]+):/.exec(a);
    if (m) out.set(m[2]!, [...(out.get(m[2]!) ?? []), a]);
  }
  return out;
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
