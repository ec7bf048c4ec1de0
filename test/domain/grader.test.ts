import { describe, expect, it } from 'vitest';
import { TASK_IDS, findTask, grade, seedScenario, state } from '../../src/domain/index.js';
import { EXPERT_PATHS, HARD_POSTMORTEM, MEDIUM_POSTMORTEM, STUFFED_POSTMORTEM, act, bruteForcePath, play } from '../helpers/paths.js';

describe('grader: correct paths', () => {
  for (const id of TASK_IDS) {
    it(`${id}: the expert path completes with a score >= 0.95`, () => {
      const { task, episode } = play(id, EXPERT_PATHS[id]!);
      const s = state(task, episode);
      expect(s.done).toBe(true);
      expect(s.outcome).toBe('completed');
      expect(s.score).toBeGreaterThanOrEqual(0.95);
      expect(s.score).toBeLessThan(1);
      expect(s.rubric.every((item) => item.met)).toBe(true);
    });
  }

  it('uses the seed rubric weights', () => {
    const weights = (id: string) => seedScenario(findTask(id)!).rubric.map((r) => r.weight);
    expect(weights('task_easy')).toEqual([0.3, 0.3, 0.4]);
    expect(weights('task_medium')).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(weights('task_hard')).toEqual([0.15, 0.1, 0.2, 0.15, 0.2, 0.2]);
  });
});

describe('grader: blind guessing does not pay', () => {
  it('the try-everything agent averages <= 0.35 over the three tasks', () => {
    const scores = TASK_IDS.map((id) => {
      const task = findTask(id)!;
      const { episode } = play(id, bruteForcePath(task));
      return state(task, episode).score;
    });
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeLessThanOrEqual(0.35);
    for (const s of scores) expect(s).toBeLessThan(0.3);
  });

  it('each wrong escalation and wrong fix lowers the score', () => {
    const base = play('task_easy', [act({ action_type: 'investigate', target: 'postgres-db' })]);
    const withWrong = play('task_easy', [
      act({ action_type: 'investigate', target: 'postgres-db' }),
      act({ action_type: 'escalate', target: 'backend-team' }),
      act({ action_type: 'apply_fix', target: 'restart_payment_service' }),
    ]);
    const s0 = state(base.task, base.episode).score;
    const s1 = state(withWrong.task, withWrong.episode).score;
    expect(s0).toBeCloseTo(0.3, 5);
    expect(s1).toBeCloseTo(Math.max(0.01, 0.3 - 0.1 - 0.15), 5);
    expect(state(withWrong.task, withWrong.episode).penalties).toHaveLength(2);
  });

  it('a correct escalation and fix without looking at the root cause earn half credit', () => {
    const { task, episode } = play('task_easy', [
      act({ action_type: 'escalate', target: 'database-team' }),
      act({ action_type: 'apply_fix', target: 'increase_db_connections' }),
    ]);
    const s = state(task, episode);
    expect(s.rubric.find((r) => r.id === 'correct_escalation')!.earned).toBeCloseTo(0.15, 5);
    expect(s.rubric.find((r) => r.id === 'correct_fix')!.earned).toBeCloseTo(0.2, 5);
    expect(s.done).toBe(false);
  });
});

describe('grader: naming the root cause', () => {
  const medium = (extra: Parameters<typeof act>[0][]) =>
    play('task_medium', [act({ action_type: 'investigate', target: 'redis-cache' }), ...extra.map(act)]);
  const origin = (p: ReturnType<typeof medium>) => state(p.task, p.episode).rubric.find((r) => r.id === 'identified_cascade_origin')!;

  it('credits one correct service named after investigating it', () => {
    const p = medium([{ action_type: 'escalate', target: 'infra-team', details: 'redis-cache ran out of memory' }]);
    expect(origin(p).met).toBe(true);
  });

  it('naming several candidates earns nothing, and the first statement is the one graded', () => {
    const p = medium([
      { action_type: 'escalate', target: 'infra-team', details: 'could be redis-cache, postgres-db or inventory-service' },
      { action_type: 'apply_fix', target: 'flush_redis_cache', details: 'root cause: redis-cache' },
    ]);
    expect(origin(p).met).toBe(false);
    expect(origin(p).earned).toBe(0);
  });

  it('naming the right service before investigating it earns nothing', () => {
    const p = play('task_medium', [
      act({ action_type: 'escalate', target: 'infra-team', details: 'root cause is redis-cache' }),
      act({ action_type: 'investigate', target: 'redis-cache' }),
    ]);
    expect(origin(p).met).toBe(false);
  });

  it('a wrong first claim cannot be corrected later', () => {
    const p = medium([
      { action_type: 'escalate', target: 'backend-team', details: 'root cause: checkout-service' },
      { action_type: 'escalate', target: 'infra-team', details: 'root cause: redis-cache' },
    ]);
    expect(origin(p).met).toBe(false);
  });
});

describe('grader: postmortems are graded on correct claims', () => {
  const assess = (id: string, text: string) => {
    const task = findTask(id)!;
    const p = play(id, [act({ action_type: 'postmortem', details: text })]);
    return grade(task, p.episode).postmortem!;
  };

  it('full marks for a correct, complete postmortem', () => {
    expect(assess('task_medium', MEDIUM_POSTMORTEM).quality).toBe(1);
    expect(assess('task_hard', HARD_POSTMORTEM).quality).toBe(1);
  });

  it('a keyword list earns at most a quarter', () => {
    expect(assess('task_medium', STUFFED_POSTMORTEM).quality).toBeLessThanOrEqual(0.25);
    expect(assess('task_hard', STUFFED_POSTMORTEM).quality).toBeLessThanOrEqual(0.25);
  });

  it('every keyword with a wrong root cause earns at most a quarter', () => {
    const wrong = MEDIUM_POSTMORTEM.replace('The root cause was redis-cache running', 'The root cause was checkout-service, with redis-cache running');
    const a = assess('task_medium', wrong);
    expect(a.claimed_root_causes).toContain('checkout-service');
    expect(a.quality).toBeLessThanOrEqual(0.25);
  });

  it('a hedged root cause earns at most a quarter', () => {
    const hedged = `The root cause was either redis-cache or postgres-db. ${MEDIUM_POSTMORTEM.slice(MEDIUM_POSTMORTEM.indexOf(':') + 1)}`;
    expect(assess('task_medium', hedged).quality).toBeLessThanOrEqual(0.25);
  });

  it('accepts the structured JSON form', () => {
    const structured = JSON.stringify({
      root_cause: 'redis-cache',
      mechanism: 'redis-cache hit maxmemory with the noeviction policy, so writes failed with OOM and inventory-service fell back to slow database reads',
      impact: 'checkout-service timed out on inventory-service calls; 36% of checkouts failed',
      remediation: 'flushed the cache to free memory',
      prevention: 'set TTLs on session keys, use an allkeys-lru eviction policy and alert on memory at 80%',
    });
    const a = assess('task_medium', structured);
    expect(a.form).toBe('structured');
    expect(a.quality).toBe(1);
  });

  it('only the first postmortem is graded', () => {
    const p = play('task_medium', [
      act({ action_type: 'postmortem', details: STUFFED_POSTMORTEM }),
      act({ action_type: 'postmortem', details: MEDIUM_POSTMORTEM }),
    ]);
    expect(p.results[1]!.reward.value).toBe(0);
    expect(grade(p.task, p.episode).postmortem!.quality).toBeLessThanOrEqual(0.25);
  });
});

describe('grader: explanations', () => {
  it('explains every item, and names the ground truth only after the end', () => {
    const task = findTask('task_easy')!;
    const during = play('task_easy', [act({ action_type: 'no_op' })]);
    const s0 = state(task, during.episode);
    expect(s0.ground_truth).toBeNull();
    expect(JSON.stringify(s0.rubric)).not.toContain('postgres-db');
    expect(JSON.stringify(s0.rubric)).not.toContain('database-team');
    expect(JSON.stringify(s0.rubric)).not.toContain('increase_db_connections');

    const after = play('task_easy', Array.from({ length: 10 }, () => act({ action_type: 'no_op' })));
    const s1 = state(task, after.episode);
    expect(s1.done).toBe(true);
    expect(s1.ground_truth).toMatchObject({ root_cause: 'postgres-db', team: 'database-team', fix: 'increase_db_connections' });
    for (const item of s1.rubric) expect(item.why.length).toBeGreaterThan(0);
    expect(s1.rubric.find((r) => r.id === 'correct_fix')!.why).toContain('increase_db_connections');
  });
});
