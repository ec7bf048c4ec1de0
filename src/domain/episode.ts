/**
 * The state of one episode: plain JSON-serialisable data, so a session store can keep it
 * anywhere. Grades and observations are derived from it, never stored in it.
 */
import type { GeneratedParams } from './scenario.js';
import type { HistoryEntry, InvestigationView } from './schemas.js';

export interface Investigation {
  service: string;
  step: number;
  /** Simulated minute (since detection) when the action started. */
  minute: number;
  /** Generated incidents: what was fetched (absent: logs and metrics both). */
  view?: InvestigationView;
  /** Generated incidents: the minute the fetched logs show (when the search finished). */
  as_of?: number;
}

export interface Escalation {
  team: string;
  step: number;
  minute: number;
  details: string;
}

export interface FixAttempt {
  fix: string;
  step: number;
  /** Simulated minute when the fix took effect. */
  minute: number;
  details: string;
}

export interface PostmortemSubmission {
  step: number;
  minute: number;
  text: string;
}

export type Outcome = 'in_progress' | 'completed' | 'max_steps';

export interface Episode {
  task_id: string;
  /** Generated incidents: the parameters that reproduce the scenario. */
  params: GeneratedParams | null;
  episode_id: string | null;
  seed: number | null;
  /** Simulated minutes since the incident was detected. */
  minutes: number;
  /** Error budget burned so far, in percent points (generated incidents). */
  budget_burned: number;
  step: number;
  done: boolean;
  outcome: Outcome;
  investigated: Investigation[];
  escalations: Escalation[];
  fixes: FixAttempt[];
  postmortems: PostmortemSubmission[];
  noop_streak: number;
  cumulative_reward: number;
  message: string;
  history: HistoryEntry[];
}

/** The first look at a service, whatever it fetched. */
export function investigationOf(episode: Episode, service: string): Investigation | undefined {
  return episode.investigated.find((i) => i.service === service);
}

/** Whether an investigation fetched this view. */
export const fetched = (inv: Investigation, view: InvestigationView) => inv.view === undefined || inv.view === view;
