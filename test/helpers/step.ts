/** One step of a task that must succeed (tests drive valid actions). */
import { step, type Action, type Episode, type Task } from '../../src/domain/index.js';

export function act(task: Task, ep: Episode, a: Action) {
  const o = step(task, ep, a);
  if (!o.ok) throw new Error(o.error.message);
  return o;
}
