/** One step of a task that must succeed (tests drive valid actions). */
import { reset, step, type Action, type Episode, type Task } from '../../src/domain/index.js';

export function act(task: Task, ep: Episode, a: Action) {
  const o = step(task, ep, a);
  if (!o.ok) throw new Error(o.error.message);
  return o;
}

/** A fresh episode of `task` through `actions`, every one of which must be valid. */
export function playActions(task: Task, actions: Action[]): Episode {
  let ep = reset(task, {});
  for (const a of actions) ep = act(task, ep, a).episode;
  return ep;
}
