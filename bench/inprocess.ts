/** In-process speed of the pure core: steps/s, resets/s, and scenario generation time. */
import { DIFFICULTIES, TASK_IDS, compileScenario, findTask, generateScenario, generatedTask, reset, step, type Action, type Task } from '../src/domain/index.js';

const timed = (budgetMs: number, fn: () => number): { perSecond: number; n: number } => {
  const warm = performance.now() + budgetMs / 4;
  while (performance.now() < warm) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) n += fn();
  return { perSecond: n / ((performance.now() - t0) / 1000), n };
};

/** A long, valid action sequence: look at every service, page a team, then wait. */
function actionsFor(task: Task): Action[] {
  const services = [...task.serviceByName.keys()];
  const team = [...task.teamSet][0]!;
  return [...services.map((s): Action => ({ action_type: 'investigate', target: s })), { action_type: 'escalate', target: team }, { action_type: 'no_op', target: '' }];
}

function stepsPerSecond(tasks: Task[], budgetMs: number) {
  let ti = 0;
  let task = tasks[0]!;
  let actions = actionsFor(task);
  let ep = reset(task);
  let i = 0;
  return timed(budgetMs, () => {
    for (let k = 0; k < 100; k++) {
      if (ep.done) {
        task = tasks[++ti % tasks.length]!;
        actions = actionsFor(task);
        ep = reset(task);
        i = 0;
      }
      const o = step(task, ep, actions[i++ % actions.length]!);
      if (!o.ok) throw new Error(o.error.message);
      ep = o.episode;
    }
    return 100;
  });
}

export interface InProcessRow {
  task: string;
  stepsPerSecond: number;
  resetsPerSecond: number;
  generationMs?: number;
}

function measureOnce(budgetMs: number): InProcessRow[] {
  const rows: InProcessRow[] = [];
  for (const id of TASK_IDS) {
    const task = findTask(id)!;
    rows.push({
      task: id,
      stepsPerSecond: stepsPerSecond([task], budgetMs).perSecond,
      resetsPerSecond: timed(budgetMs / 2, () => {
        for (let k = 0; k < 100; k++) reset(task);
        return 100;
      }).perSecond,
    });
  }
  const incidents = (difficulty: (typeof DIFFICULTIES)[number]) => Array.from({ length: 8 }, (_, seed) => generatedTask({ seed, difficulty, split: 'test', family: null }));
  // Steady state, as a long-running server sees it: every difficulty's code paths are compiled
  // before any is measured (otherwise the first one measured pays for the JIT).
  for (const difficulty of DIFFICULTIES) stepsPerSecond(incidents(difficulty), budgetMs / 2);
  for (const difficulty of DIFFICULTIES) {
    const tasks = incidents(difficulty);
    // Steps first: generating hundreds of incidents leaves garbage that the next measurement would pay for.
    const steps = stepsPerSecond(tasks, budgetMs).perSecond;
    const resets = timed(budgetMs / 2, () => {
      for (const t of tasks) reset(t);
      return tasks.length;
    }).perSecond;
    let seed = 0;
    const gen = timed(budgetMs / 2, () => {
      compileScenario(generateScenario({ seed: 10_000 + seed++, difficulty, split: 'train', family: null }));
      return 1;
    });
    rows.push({ task: `generated ${difficulty}`, stepsPerSecond: steps, resetsPerSecond: resets, generationMs: 1000 / gen.perSecond });
  }
  return rows;
}

/**
 * The whole set measured `rounds` times, each row's median reported: seed tasks and generated
 * incidents alternate, so a noisy neighbour slows both alike rather than whichever ran during it.
 */
export function benchInProcess(budgetMs = 1000, rounds = 3): InProcessRow[] {
  const all = Array.from({ length: rounds }, () => measureOnce(budgetMs));
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return all[0]!.map((row, i) => {
    const generationMs = row.generationMs === undefined ? undefined : mid(all.map((r) => r[i]!.generationMs!));
    return {
      task: row.task,
      stepsPerSecond: mid(all.map((r) => r[i]!.stepsPerSecond)),
      resetsPerSecond: mid(all.map((r) => r[i]!.resetsPerSecond)),
      ...(generationMs === undefined ? {} : { generationMs }),
    };
  });
}
