/** Replays recorded trajectories in-process and reports every difference: the determinism check. */
import { observe, reset, state, step } from '../domain/index.js';
import { digest, taskFor, type Trajectory } from './episodes.js';

export interface ReplayReport {
  episodes: number;
  steps: number;
  mismatches: string[];
}

export function replayTrajectories(trajectories: Trajectory[]): ReplayReport {
  const mismatches: string[] = [];
  let steps = 0;
  trajectories.forEach((t, i) => {
    const where = `episode ${i + 1} (${t.spec.task_id} seed ${t.spec.seed})`;
    if (!t.initial_digest) {
      mismatches.push(`${where}: no recorded episode (it failed to run)`);
      return;
    }
    const task = taskFor(t.spec);
    let ep = reset(task, { seed: t.spec.seed });
    if (digest(observe(task, ep)) !== t.initial_digest) mismatches.push(`${where}: the initial observation differs`);
    for (const s of t.steps) {
      steps++;
      const o = step(task, ep, s.action);
      if (!o.ok) {
        mismatches.push(`${where} step ${s.step}: the action was rejected on replay (${o.error.message})`);
        return;
      }
      ep = o.episode;
      if (o.result.reward.value !== s.reward) mismatches.push(`${where} step ${s.step}: reward ${o.result.reward.value} on replay, ${s.reward} recorded`);
      if (o.result.done !== s.done) mismatches.push(`${where} step ${s.step}: done ${o.result.done} on replay, ${s.done} recorded`);
      if (digest(o.result.observation) !== s.observation_digest) mismatches.push(`${where} step ${s.step}: the observation differs`);
    }
    const score = state(task, ep).score;
    if (score !== t.score) mismatches.push(`${where}: score ${score} on replay, ${t.score} recorded`);
  });
  return { episodes: trajectories.length, steps, mismatches };
}
