/** Replays recorded trajectories in-process and reports every difference: the determinism check. */
import { replayActions } from '../agents/run.js';
import { digest, taskFor, type Trajectory } from './episodes.js';
import { inProcessEnv } from './in-process.js';

export interface ReplayReport {
  episodes: number;
  steps: number;
  mismatches: string[];
}

export async function replayTrajectories(trajectories: Trajectory[]): Promise<ReplayReport> {
  const mismatches: string[] = [];
  let steps = 0;
  for (const [i, t] of trajectories.entries()) {
    const where = `episode ${i + 1} (${t.spec.task_id} seed ${t.spec.seed})`;
    if (!t.initial_digest) {
      mismatches.push(`${where}: no recorded episode (it failed to run)`);
      continue;
    }
    const env = inProcessEnv(taskFor(t.spec), t.spec.seed);
    if (digest(env.first) !== t.initial_digest) mismatches.push(`${where}: the initial observation differs`);
    const run = await replayActions(env, env.first, t.steps.map((s) => s.action));
    for (const [k, r] of run.steps.entries()) {
      const s = t.steps[k]!;
      steps++;
      if (r.error !== undefined) {
        mismatches.push(`${where} step ${s.step}: the action was rejected on replay (${r.error})`);
        break;
      }
      if (r.reward !== s.reward) mismatches.push(`${where} step ${s.step}: reward ${r.reward} on replay, ${s.reward} recorded`);
      if (r.done !== s.done) mismatches.push(`${where} step ${s.step}: done ${r.done} on replay, ${s.done} recorded`);
      if (digest(r.observation) !== s.observation_digest) mismatches.push(`${where} step ${s.step}: the observation differs`);
    }
    if (run.steps.some((r) => r.error !== undefined)) continue;
    const score = env.state().score;
    if (score !== t.score) mismatches.push(`${where}: score ${score} on replay, ${t.score} recorded`);
  }
  return { episodes: trajectories.length, steps, mismatches };
}
