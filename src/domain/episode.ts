/**
 * The state of one episode: plain JSON-serialisable data, so a session store can keep it
 * anywhere. Grades and observations are derived from it, never stored in it.
 */
import type { HistoryEntry } from './schemas.js';

export interface Investigation {
  service: string;
  step: number;
}

export interface Escalation {
  team: string;
  step: number;
  details: string;
}

export interface FixAttempt {
  fix: string;
  step: number;
  details: string;
}

export interface PostmortemSubmission {
  step: number;
  text: string;
}

export type Outcome = 'in_progress' | 'completed' | 'max_steps';

export interface Episode {
  task_id: string;
  episode_id: string | null;
  seed: number | null;
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

export function investigationOf(episode: Episode, service: string): Investigation | undefined {
  return episode.investigated.find((i) => i.service === service);
}
