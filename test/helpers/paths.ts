/** Scripted action sequences used across tests: an expert's path per seed task, and a blind guesser. */
import { findTask, reset, step, type Action, type Episode, type StepResult, type Task } from '../../src/domain/index.js';

type A = Partial<Action> & Pick<Action, 'action_type'>;
export const act = (a: A): Action => ({ target: '', ...a });

export const MEDIUM_POSTMORTEM =
  'The root cause was redis-cache running out of memory: it reached maxmemory with a noeviction policy, so cache ' +
  'writes failed with OOM errors. inventory-service fell back to slow database reads on postgres-db, and ' +
  'checkout-service timed out waiting for inventory, failing 36% of checkouts. We flushed the cache to free memory. ' +
  'To prevent a repeat we will set TTLs on session keys, switch the eviction policy to allkeys-lru and add a memory alert at 80%.';

export const HARD_POSTMORTEM =
  'Root cause: config-service rotated the JWT signing secret from v41 to v42, but the push to auth-service-2 timed ' +
  'out and the rollout was marked complete with only 2 of 3 replicas updated. Tokens signed by one replica failed ' +
  'verification on another, so users saw intermittent 401 errors and audit-log dropped events signed with the stale ' +
  'key. We completed the secret rotation by re-pushing v42 to all replicas. Prevention: make rollouts atomic, verify ' +
  'every target and alert when a rollout is partial.';

export const EXPERT_PATHS: Record<string, Action[]> = {
  task_easy: [
    act({ action_type: 'investigate', target: 'payment-service' }),
    act({ action_type: 'investigate', target: 'postgres-db' }),
    act({ action_type: 'escalate', target: 'database-team', details: 'postgres-db is at max_connections (100/100)' }),
    act({ action_type: 'apply_fix', target: 'increase_db_connections' }),
  ],
  task_medium: [
    act({ action_type: 'investigate', target: 'checkout-service' }),
    act({ action_type: 'investigate', target: 'inventory-service' }),
    act({ action_type: 'investigate', target: 'redis-cache' }),
    act({ action_type: 'escalate', target: 'infra-team', details: 'Root cause: redis-cache is out of memory (maxmemory reached, noeviction)' }),
    act({ action_type: 'apply_fix', target: 'flush_redis_cache' }),
    act({ action_type: 'postmortem', details: MEDIUM_POSTMORTEM }),
  ],
  task_hard: [
    act({ action_type: 'investigate', target: 'auth-service' }),
    act({ action_type: 'investigate', target: 'config-service' }),
    act({ action_type: 'escalate', target: 'security-team', details: 'Root cause: config-service pushed the new JWT secret to only 2 of 3 auth replicas' }),
    act({ action_type: 'apply_fix', target: 'complete_secret_rotation' }),
    act({ action_type: 'postmortem', details: HARD_POSTMORTEM }),
  ],
};

/** Every keyword of every task, with no diagnosis behind it. */
export const STUFFED_POSTMORTEM =
  'redis memory OOM cache eviction JWT secret rotation config replica partial auth connection limit max_connections flush';

/** No investigation; every team, every fix, then a stuffed postmortem. */
export function bruteForcePath(task: Task): Action[] {
  const actions: Action[] = [];
  for (const a of task.availableActions) {
    const [kind, target] = a.split(':') as [string, string];
    if (kind === 'escalate' || kind === 'apply_fix') actions.push(act({ action_type: kind, target }));
  }
  actions.push(act({ action_type: 'postmortem', details: STUFFED_POSTMORTEM }));
  return actions;
}

export interface Played {
  task: Task;
  episode: Episode;
  results: StepResult[];
}

/** Plays actions in-process until they run out or the episode ends. */
export function play(taskId: string, actions: Action[]): Played {
  const task = findTask(taskId);
  if (!task) throw new Error(`no task ${taskId}`);
  let episode = reset(task);
  const results: StepResult[] = [];
  for (const action of actions) {
    if (episode.done) break;
    const outcome = step(task, episode, action);
    if (!outcome.ok) throw new Error(`rejected: ${outcome.error.message}`);
    episode = outcome.episode;
    results.push(outcome.result);
  }
  return { task, episode, results };
}
