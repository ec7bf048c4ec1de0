/**
 * Cost against history: an adversarial episode of 100 requests — notes of the longest allowed
 * text (semicolons and service names, as a hostile client wrote them) until the episode's text
 * budget is spent, then investigations until it ends, then steps and state reads after the end —
 * timing each request's step plus the state read a client makes beside it. Each text is read once,
 * when submitted, so the last request should cost about what the first did.
 */
import { MAX_DETAILS_LENGTH, findTask, generatedParams, generatedTask, reset, state, step, type Action, type Episode, type Task } from '../src/domain/index.js';

export interface LongEpisodeRow {
  task: string;
  requests: number;
  firstUs: number;
  lastUs: number;
  /** The last request over the first. */
  ratio: number;
  /** The slowest request (a long note being read, or the step that ends and grades the episode). */
  slowestUs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function actions(task: Task, rep: number): Action[] {
  const services = [...task.serviceByName.keys()];
  const team = [...task.teamSet][0]!;
  // A different text each repetition: no episode reads another's texts from the memo.
  const hostile = (i: number) => `${rep}-${i} ${services.join('; ')}; `.repeat(MAX_DETAILS_LENGTH).slice(0, MAX_DETAILS_LENGTH);
  const out: Action[] = [];
  for (let i = 0; i < 100; i++) {
    // The first request is an investigation; then three notes of the longest text, then investigations.
    out.push(i >= 1 && i <= 3 ? { action_type: 'escalate', target: team, details: hostile(i) } : { action_type: 'investigate', target: services[i % services.length]! });
  }
  return out;
}

function timeEpisode(task: Task, rep: number): number[] {
  let ep: Episode = reset(task, { seed: rep });
  return actions(task, rep).map((a) => {
    const t0 = process.hrtime.bigint();
    const o = step(task, ep, a);
    if (o.ok) ep = o.episode;
    state(task, ep);
    return Number(process.hrtime.bigint() - t0) / 1000;
  });
}

export function benchLongEpisode(reps = 30): LongEpisodeRow[] {
  const tasks: [string, Task][] = [
    ['task_hard', findTask('task_hard')!],
    ['generated expert', generatedTask(generatedParams({ seed: 31, difficulty: 'expert', split: 'test' }))],
  ];
  return tasks.map(([name, task]) => {
    for (let r = 0; r < 5; r++) timeEpisode(task, 1000 + r); // warm-up
    const runs = Array.from({ length: reps }, (_, r) => timeEpisode(task, r));
    const perIndex = runs[0]!.map((_, i) => median(runs.map((run) => run[i]!)));
    const first = perIndex[0]!;
    const last = perIndex[perIndex.length - 1]!;
    return { task: name, requests: perIndex.length, firstUs: first, lastUs: last, ratio: last / first, slowestUs: Math.max(...perIndex) };
  });
}
