/**
 * The error budget burns on what users feel (the user-facing services' readings against their
 * usual ones), not on hidden fault state: a budget still burning must never be the only sign that a
 * fault is left, and one that stopped must not promise that none is.
 */
import { describe, expect, it } from 'vitest';
import { generatedTask, observe, type Action, type Task } from '../../src/domain/index.js';
import { act, playActions } from '../helpers/step.js';

const THROUGHPUT = ['transactions_vs_last_week_pct', 'completed_orders_vs_last_week_pct'];

/** Whether any user-facing service reads worse than usual, as the responder sees it (dashboards open). */
function usersHurt(task: Task, metrics: Record<string, Record<string, number>>): boolean {
  return task.scenario.generated!.dynamics.user_facing.some((name) => {
    const usual = task.serviceByName.get(name)!;
    const now = metrics[name]!;
    const lost = THROUGHPUT.some((m) => usual.detail[m] !== undefined && now[m] !== undefined && now[m]! < usual.detail[m]!);
    return now.error_rate! > usual.overview.error_rate! || now.latency_p99_ms! > usual.overview.latency_p99_ms! || lost;
  });
}

describe('the error budget burns on what users feel', () => {
  it('with one of two faults fixed, the budget burns while the other still hurts users and not once it does not (expert, 300 seeds)', () => {
    let quiet = 0;
    let hurting = 0;
    for (let seed = 0; seed < 300; seed++) {
      const task = generatedTask({ seed: 610_000 + seed, difficulty: 'expert', split: 'test', family: null });
      const g = task.scenario.generated!;
      // Shedding load first would add its own 429s to what users see (a change's damage, which the budget does not count).
      if (g.faults.length !== 2 || g.faults[1]!.masked_by !== undefined || g.faults[0]!.needs_first?.length) continue;
      const first = g.faults[0]!;
      // Every user-facing dashboard open, so what the responder could see is all in the observation.
      const looks: Action[] = g.dynamics.user_facing.map((target) => ({ action_type: 'investigate', target, view: 'metrics' }));
      const fixes: Action[] = [{ action_type: 'apply_fix', target: first.fix }];
      const before = playActions(task, [...fixes, ...looks, ...looks.slice(0, 2)]);
      if (before.done) continue;
      const after = act(task, before, looks[0]!).episode;
      const burned = after.budget_burned - before.budget_burned;
      const hurtBefore = usersHurt(task, observe(task, before).metrics);
      const hurtAfter = usersHurt(task, observe(task, after).metrics);
      if (!hurtBefore && !hurtAfter) {
        expect(burned, `seed ${610_000 + seed}: users fine, second fault ${g.faults[1]!.family} unfixed`).toBe(0);
        quiet++;
      } else if (hurtBefore && hurtAfter) {
        expect(burned, `seed ${610_000 + seed}`).toBeGreaterThan(0);
        hurting++;
      }
    }
    expect(quiet).toBeGreaterThan(3);
    expect(hurting).toBeGreaterThan(20);
  });

  it('never burns faster than the difficulty\'s rate', () => {
    for (let seed = 0; seed < 40; seed++) {
      const task = generatedTask({ seed: 620_000 + seed, difficulty: 'expert', split: 'test', family: null });
      const g = task.scenario.generated!;
      if (!g.faults.length) continue;
      const wait: Action = { action_type: 'investigate', target: g.dynamics.user_facing[0]!, view: 'metrics' };
      const ep = act(task, playActions(task, []), wait).episode;
      expect(ep.budget_burned).toBeLessThanOrEqual(g.dynamics.burn_per_min * ep.minutes + 0.01);
    }
  });
});
