/** A team that owns both faults of a double fault is paged once, on the evidence of either. */
import { describe, expect, it } from 'vitest';
import { generatedTask, reset, state, step, type Action, type Task } from '../../src/domain/index.js';

function sharedOwnerTask(): Task {
  for (let seed = 0; seed < 5000; seed++) {
    const task = generatedTask({ seed, difficulty: 'expert', split: 'test', family: null });
    const f = task.scenario.generated!.faults;
    if (f.length === 2 && f[0]!.team === f[1]!.team) return task;
  }
  throw new Error('no double fault with one owner in 5,000 seeds');
}

function escalateStage(task: Task, actions: Action[]) {
  let ep = reset(task, {});
  for (const a of actions) {
    const r = step(task, ep, a);
    if (!r.ok) throw new Error(r.error.message);
    ep = r.episode;
  }
  return state(task, ep).rubric.find((r) => r.id === 'escalate')!;
}

describe('escalation when one team owns both faults', () => {
  const task = sharedOwnerTask();
  const [a, b] = task.scenario.generated!.faults;
  const pm: Action = { action_type: 'postmortem', target: '', details: 'Root cause: unknown.' };

  it('one page after investigating the first root counts for the second once that root is investigated too', () => {
    const item = escalateStage(task, [
      { action_type: 'investigate', target: a!.root_cause },
      { action_type: 'escalate', target: a!.team },
      { action_type: 'investigate', target: b!.root_cause },
      pm,
    ]);
    expect(item.earned).toBeCloseTo(0.15, 6);
    expect(item.why).toContain('already paged on the evidence of its other fault');
  });

  it('but not when the second root is never looked at', () => {
    const item = escalateStage(task, [{ action_type: 'investigate', target: a!.root_cause }, { action_type: 'escalate', target: a!.team }, pm]);
    expect(item.earned).toBeLessThan(0.15 * 0.7);
  });

  it('and a blind page earns the blind share for both', () => {
    const item = escalateStage(task, [{ action_type: 'escalate', target: a!.team }, { action_type: 'investigate', target: a!.root_cause }, { action_type: 'investigate', target: b!.root_cause }, pm]);
    expect(item.earned).toBeCloseTo(0.15 * 0.25, 6);
  });
});
