/** Rebuilds every step of a recorded episode with the environment's own core, in the browser. */
import { GENERATED_TASK_ID, findTask, generatedParams, generatedTask, observe, reset, state as stateOf, step, type Action, type State, type Task } from '../../src/domain/index.js';
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
    const t = JSON.parse(line) as RecordedEpisode;
    if (!t.spec || !Array.isArray(t.steps)) throw new Error(`line ${i + 1} is not a trajectory written by incident-env eval`);
    out.push(t);
  }
  return out;
}

function taskFor(spec: RecordedEpisode['spec']): Task {
  if (spec.task_id === GENERATED_TASK_ID) {
    return generatedTask(generatedParams({ seed: spec.seed, difficulty: spec.difficulty as never, split: spec.split as never, family: spec.family ?? undefined }));
  }
  const task = findTask(spec.task_id);
  if (!task) throw new Error(`unknown task ${spec.task_id}`);
  return task;
}

export function rebuild(t: RecordedEpisode): { frames: Frame[]; final: State; mismatches: number } {
  const task = taskFor(t.spec);
  let ep = reset(task, { seed: t.spec.seed });
  const frames: Frame[] = [{ observation: observe(task, ep), action: null, reward: null, reason: '', done: false, score: null }];
  let mismatches = 0;
  for (const s of t.steps) {
    const o = step(task, ep, s.action);
    if (!o.ok) throw new Error(`step ${frames.length}: ${o.error.message}`);
    ep = o.episode;
    if (o.result.reward.value !== s.reward) mismatches++;
    frames.push({ observation: o.result.observation, action: s.action, reward: o.result.reward.value, reason: o.result.reward.reason, done: o.result.done, score: o.result.info.score });
  }
  return { frames, final: stateOf(task, ep), mismatches };
}
