/** The task catalogue: every task the environment serves, compiled once. */
import { compileScenario, type Task } from './scenario.js';
import type { TaskSummary } from './schemas.js';
import { taskEasy } from './tasks/task_easy.js';
import { taskHard } from './tasks/task_hard.js';
import { taskMedium } from './tasks/task_medium.js';

export const DEFAULT_TASK_ID = 'task_easy';

const tasks: ReadonlyMap<string, Task> = new Map(
  [taskEasy, taskMedium, taskHard].map((s) => [s.id, compileScenario(s)] as const),
);

export const TASK_IDS: readonly string[] = [...tasks.keys()];

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
    rubric: s.rubric.map((r) => ({ id: r.id, description: r.description, weight: r.weight })),
  };
}

export function listTasks(): TaskSummary[] {
  return [...tasks.values()].map(taskSummary);
}
