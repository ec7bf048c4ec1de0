/**
 * Rebuilds every step of a recorded episode by replaying its actions through the server in a
 * scratch session: the console holds no scenario and no environment code of its own.
 */
import type { Action, State } from '../../src/domain/schemas.js';
import { startSession, state as fetchState, step as sendStep } from './api.js';
import type { Frame } from './model.js';

export interface RecordedEpisode {
  spec: { task_id: string; seed: number; difficulty?: string; split?: string; family?: string | null };
  agent: string;
  steps: { action: Action; reward: number }[];
  score: number;
}

export function parseTrajectories(text: string): RecordedEpisode[] {
  const out: RecordedEpisode[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let t: RecordedEpisode;
    try {
      t = JSON.parse(line) as RecordedEpisode;
    } catch {
      throw new Error(`line ${i + 1} is not JSON: open a trajectories.jsonl written by incident-env eval`);
    }
    if (!t.spec || !Array.isArray(t.steps)) throw new Error(`line ${i + 1} is not a trajectory written by incident-env eval`);
    out.push(t);
  }
  return out;
}

export async function rebuild(t: RecordedEpisode): Promise<{ frames: Frame[]; final: State; mismatches: number; session: string }> {
  const session = await startSession({
    task_id: t.spec.task_id,
    seed: t.spec.seed,
    difficulty: t.spec.difficulty ?? 'medium',
    split: t.spec.split ?? 'train',
    family: t.spec.family ?? '',
  });
  const frames: Frame[] = [{ observation: session.observation, action: null, reward: null, reason: '', done: false, score: null }];
  let mismatches = 0;
  for (const s of t.steps) {
    const r = await sendStep(session.id, s.action);
    if (r.reward.value !== s.reward) mismatches++;
    frames.push({ observation: r.observation, action: s.action, reward: r.reward.value, reason: r.reward.reason, done: r.done, score: r.info.score });
  }
  return { frames, final: await fetchState(session.id), mismatches, session: session.id };
}
