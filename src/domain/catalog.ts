/** The task catalogue: the seed tasks, compiled once, and generated incidents on demand. */
import { z } from 'zod';
import { FAMILIES, FAMILY_IDS } from './generator/families/index.js';
import { GENERATED_TASK_ID, GENERATOR_VERSION, generateScenario } from './generator/generate.js';
import { KNOBS, LADDER } from './generator/ladder.js';
import { REMEDY_KINDS } from './generator/kinds.js';
import { SPLITS } from './generator/types.js';
import { compileScenario, type GeneratedParams, type Task } from './scenario.js';
import { DIFFICULTIES, type TaskSummary } from './schemas.js';
import { taskEasy } from './tasks/task_easy.js';
import { taskHard } from './tasks/task_hard.js';
import { taskMedium } from './tasks/task_medium.js';

export const DEFAULT_TASK_ID = 'task_easy';

const tasks: ReadonlyMap<string, Task> = new Map(
  [taskEasy, taskMedium, taskHard].map((s) => [s.id, compileScenario(s)] as const),
);

/** The seed tasks. */
export const TASK_IDS: readonly string[] = [...tasks.keys()];
/** Every task id a reset accepts. */
export const ALL_TASK_IDS: readonly string[] = [...TASK_IDS, GENERATED_TASK_ID];
export { GENERATED_TASK_ID };

/**
 * A seed: a non-negative safe integer, or (in a query string) its decimal digits. Never coerced
 * loosely: "" is not 0 and "0x10" is not 16.
 */
export const SeedSchema = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v),
  z.number({ error: 'seed must be a whole number from 0 to 9007199254740991, in decimal digits' }).int().min(0).max(Number.MAX_SAFE_INTEGER),
);

/** Options of the `generated` task (query parameters on the seed API, reset options elsewhere). */
export const GeneratedOptionsSchema = z.object({
  seed: SeedSchema.default(0),
  difficulty: z.enum(DIFFICULTIES).default('medium'),
  family: z.enum(FAMILY_IDS as [string, ...string[]]).nullish(),
  split: z.enum(SPLITS).default('train'),
});

export function generatedParams(options: z.input<typeof GeneratedOptionsSchema>): GeneratedParams {
  const o = GeneratedOptionsSchema.parse(options);
  return { seed: o.seed, difficulty: o.difficulty, family: o.family ?? null, split: o.split };
}

export const paramsKey = (p: GeneratedParams) => `${p.split}|${p.difficulty}|${p.family ?? '*'}|${p.seed}`;

export function generatedTask(params: GeneratedParams): Task {
  return compileScenario(generateScenario(params));
}

export { GENERATOR_VERSION };

export function familiesList() {
  return FAMILIES.map((f) => ({ id: f.id, title: f.title, root_tiers: [...f.rootTiers], variants: f.variants.map((v) => ({ id: v.id, splits: v.splits ? [...v.splits] : ['train', 'test'] })) }));
}

/** The remediation kinds of generated incidents, and the tiers each is offered on. */
export function remedyKindsList() {
  return Object.entries(REMEDY_KINDS).map(([id, k]) => ({ id, description: k.description, tiers: [...k.tiers], minutes: k.minutes }));
}

export function difficultiesList() {
  return DIFFICULTIES.map((d) => {
    const k = KNOBS[d];
    return {
      id: d,
      what_it_asks: LADDER[d],
      services: k.size,
      cascade_depth_at_detection: k.depth,
      root_alerts: k.rootAlert,
      sampled_root_logs: k.sampledRootLogs,
      misleading_change_on_a_victim: k.victimChange,
      unrelated_deploy: k.deployHerring,
      blame_line: k.blameHerring,
      harmless_alert: k.flappingAlert,
      loud_scheduled_job: k.benignJob,
      max_steps: k.maxSteps,
      error_budget_burn_per_min: k.burn,
      spread_every_min: k.spreadEvery,
      control_episodes: k.control,
      double_faults: k.double,
      masked_second_faults: k.masked,
      callers_name_no_dependency: k.opaque,
    };
  });
}

export function findTask(id: string): Task | undefined {
  return tasks.get(id);
}

export function taskSummary(task: Task): TaskSummary {
  const s = task.scenario;
  return {
    id: s.id,
    title: s.title,
    difficulty: s.difficulty,
    max_steps: s.max_steps,
    description: s.description,
    rubric: s.kind === 'seed' ? s.rubric.map((r) => ({ id: r.id, description: r.description, weight: r.weight })) : [],
  };
}

export function listTasks(): TaskSummary[] {
  return [...tasks.values()].map(taskSummary);
}
