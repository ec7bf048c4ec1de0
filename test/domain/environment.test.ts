import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionSchema, ObservationSchema, StateSchema, TASK_IDS, findTask, observe, reset, state, step, type Action, type Task } from '../../src/domain/index.js';
import { EXPERT_PATHS, act, play } from '../helpers/paths.js';

/** Any action the task accepts: every listed target, with and without details. */
const validAction = (task: Task) =>
  fc.oneof(
    fc.constantFrom(...task.serviceByName.keys()).map((t): Action => act({ action_type: 'investigate', target: t })),
    fc.tuple(fc.constantFrom(...task.teamSet), fc.string({ maxLength: 40 })).map(([t, d]): Action => act({ action_type: 'escalate', target: t, details: d })),
    fc.constantFrom(...task.fixById.keys()).map((t): Action => act({ action_type: 'apply_fix', target: t })),
    fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0).map((d): Action => act({ action_type: 'postmortem', details: d })),
    fc.constant(act({ action_type: 'no_op' })),
  );

const trajectory = (task: Task, actions: Action[]) => {
  let ep = reset(task, { seed: 7, episode_id: 'e' });
  const out: unknown[] = [observe(task, ep)];
  for (const a of actions) {
    const o = step(task, ep, a);
    if (!o.ok) throw new Error(o.error.message);
    ep = o.episode;
    out.push(o.result);
  }
  out.push(state(task, ep));
  return JSON.stringify(out);
};

describe('environment', () => {
  for (const id of TASK_IDS) {
    const task = findTask(id)!;

    it(`${id}: same actions give byte-identical trajectories`, () => {
      fc.assert(
        fc.property(fc.array(validAction(task), { maxLength: 25 }), (actions) => {
          expect(trajectory(task, actions)).toBe(trajectory(task, actions));
        }),
        { numRuns: 60 },
      );
    });

    it(`${id}: the score stays strictly inside (0, 1) and observations match the schema`, () => {
      fc.assert(
        fc.property(fc.array(validAction(task), { maxLength: 25 }), (actions) => {
          let ep = reset(task);
          for (const a of actions) {
            const o = step(task, ep, a);
            if (!o.ok) return;
            ep = o.episode;
            expect(o.result.info.score).toBeGreaterThan(0);
            expect(o.result.info.score).toBeLessThan(1);
            ObservationSchema.parse(o.result.observation);
          }
          StateSchema.parse(state(task, ep));
          expect(ep.step).toBeLessThanOrEqual(task.scenario.max_steps);
        }),
        { numRuns: 60 },
      );
    });

    it(`${id}: logs and detailed metrics appear only for investigated services, and stay`, () => {
      const services = [...task.serviceByName.keys()];
      let ep = reset(task);
      const first = observe(task, ep);
      expect(first.logs).toEqual({});
      expect(Object.keys(first.metrics).sort()).toEqual([...services].sort());
      const target = services[0]!;
      const o = step(task, ep, act({ action_type: 'investigate', target }));
      if (!o.ok) throw new Error('rejected');
      ep = o.episode;
      const o2 = step(task, ep, act({ action_type: 'no_op' }));
      if (!o2.ok) throw new Error('rejected');
      const obs = o2.result.observation;
      expect(Object.keys(obs.logs)).toEqual([target]);
      expect(obs.logs[target]!.length).toBeGreaterThan(0);
      expect(Object.keys(obs.metrics[target]!).length).toBeGreaterThan(Object.keys(first.metrics[target]!).length);
      for (const other of services.slice(1)) expect(obs.metrics[other]).toEqual(first.metrics[other]);
    });
  }

  it('lists every valid action in the seed format, sorted so the order hints at nothing', () => {
    const task = findTask('task_easy')!;
    expect(task.availableActions).toEqual([
      'investigate:api-gateway', 'investigate:auth-service', 'investigate:payment-service', 'investigate:postgres-db',
      'escalate:backend-team', 'escalate:database-team', 'escalate:infra-team', 'escalate:security-team',
      'apply_fix:increase_db_connections', 'apply_fix:restart_payment_service', 'apply_fix:rollback_deployment', 'apply_fix:scale_up_pods',
      'postmortem:<text>', 'no_op',
    ]);
  });

  it('every log line is timestamped, for every service of every task', () => {
    for (const id of TASK_IDS) {
      for (const s of findTask(id)!.scenario.services) {
        expect(s.logs.length).toBeGreaterThan(0);
        for (const line of s.logs) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARN|ERROR|FATAL|LOG) /);
      }
    }
  });

  it('rejects unknown targets and names the allowed ones, changing nothing', () => {
    const task = findTask('task_easy')!;
    const ep = reset(task);
    const before = JSON.stringify(ep);
    const o = step(task, ep, act({ action_type: 'escalate', target: 'sre-team' }));
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.allowed).toContain('database-team');
    expect(JSON.stringify(ep)).toBe(before);
    const pm = step(task, ep, act({ action_type: 'postmortem', details: '   ' }));
    expect(pm.ok).toBe(false);
  });

  it('a step after the end answers "already done" and changes nothing', () => {
    const { task, episode } = play('task_easy', EXPERT_PATHS.task_easy!);
    const before = state(task, episode);
    const o = step(task, episode, act({ action_type: 'apply_fix', target: 'scale_up_pods' }));
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    expect(o.result.reward).toEqual({ value: 0.01, reason: 'already done' });
    expect(o.result.done).toBe(true);
    expect(state(task, o.episode)).toEqual(before);
  });

  it('after the correct fix, alerts resolve and overview metrics recover', () => {
    const { task, episode } = play('task_easy', EXPERT_PATHS.task_easy!);
    const obs = observe(task, episode);
    expect(obs.alerts.every((a) => a.startsWith('[RESOLVED]'))).toBe(true);
    expect(obs.metrics['payment-service']!.error_rate).toBeLessThan(0.01);
  });

  it('the action schema rejects unknown keys and accepts OpenEnv metadata', () => {
    expect(ActionSchema.safeParse({ action_type: 'no_op', target: '', bogus: 1 }).success).toBe(false);
    expect(ActionSchema.safeParse({ action_type: 'no_op', metadata: {} }).success).toBe(true);
    expect(ActionSchema.safeParse({ action_type: 'no_op', target: '', details: null }).success).toBe(true);
  });
});
