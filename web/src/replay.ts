/**
 * Rebuilds every step of a recorded episode by replaying its actions through the server in a
 * scratch session: the console holds no scenario and no environment code of its own.
 */
import type { Action, State } from '../../src/domain/schemas.js';
import { replayActions } from '../../src/agents/run.js';
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

/** Replays the recorded actions in a new session on this server; a recorded reward that differs is a mismatch. */
export async function rebuild(t: RecordedEpisode): Promise<{ frames: Frame[]; final: State; mismatches: number; session: string }> {
  const session = await startSession({
    task_id: t.spec.task_id,
    seed: t.spec.seed,
    difficulty: t.spec.difficulty ?? 'medium',
    split: t.spec.split ?? 'train',
    family: t.spec.family ?? '',
  });
  const frames: Frame[] = [{ observation: session.observation, action: null, reward: null, reason: '', done: false, score: null }];
  const env = {
    async step(action: Action) {
      const r = await sendStep(session.id, action);
      frames.push({ observation: r.observation, action, reward: r.reward.value, reason: r.reward.reason, done: r.done, score: r.info.score });
      return { observation: r.observation, reward: r.reward.value, reason: r.reward.reason, done: r.done };
    },
  };
  const run = await replayActions(env, session.observation, t.steps.map((s) => s.action));
  const mismatches = run.steps.filter((r, i) => r.error !== undefined || r.reward !== t.steps[i]!.reward).length;
  return { frames, final: await fetchState(session.id), mismatches, session: session.id };
}
