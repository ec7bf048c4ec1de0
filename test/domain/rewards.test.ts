import { describe, expect, it } from 'vitest';
import { REWARDS } from '../../src/domain/index.js';
import { EXPERT_PATHS, MEDIUM_POSTMORTEM, act, play } from '../helpers/paths.js';

const rewards = (id: string, actions: Parameters<typeof act>[0][]) => play(id, actions.map(act)).results.map((r) => r.reward.value);

describe('reward table (seed README)', () => {
  it('investigating the root cause pays 0.15..0.30; other services 0.05; a repeat nothing', () => {
    expect(rewards('task_easy', [
      { action_type: 'investigate', target: 'postgres-db' },
      { action_type: 'investigate', target: 'auth-service' },
      { action_type: 'investigate', target: 'postgres-db' },
    ])).toEqual([0.3, 0.05, 0]);
    expect(rewards('task_medium', [{ action_type: 'investigate', target: 'redis-cache' }])).toEqual([0.2]);
    expect(rewards('task_hard', [{ action_type: 'investigate', target: 'config-service' }])).toEqual([0.15]);
  });

  it('correct escalation +0.30, wrong -0.10; correct fix +0.40, wrong -0.15', () => {
    expect(rewards('task_easy', [
      { action_type: 'escalate', target: 'backend-team' },
      { action_type: 'escalate', target: 'database-team' },
      { action_type: 'apply_fix', target: 'scale_up_pods' },
      { action_type: 'apply_fix', target: 'increase_db_connections' },
    ])).toEqual([REWARDS.wrongEscalation, REWARDS.correctEscalation, REWARDS.wrongFix, REWARDS.correctFix]);
  });

  it('no_op -0.10, and from the third in a row on -0.20', () => {
    expect(rewards('task_easy', [
      { action_type: 'no_op' },
      { action_type: 'no_op' },
      { action_type: 'no_op' },
      { action_type: 'no_op' },
      { action_type: 'investigate', target: 'auth-service' },
      { action_type: 'no_op' },
    ])).toEqual([-0.1, -0.1, -0.2, -0.2, 0.05, -0.1]);
  });

  it('a postmortem pays 0.20 x quality', () => {
    expect(rewards('task_medium', [{ action_type: 'postmortem', details: MEDIUM_POSTMORTEM }])).toEqual([0.2]);
  });

  it('the completing step adds the +0.20 bonus', () => {
    const r = play('task_easy', EXPERT_PATHS.task_easy!).results;
    expect(r.at(-1)!.reward.value).toBeCloseTo(REWARDS.correctFix + REWARDS.completionBonus, 10);
    expect(r.at(-1)!.reward.reason).toContain('task complete');
    expect(r.at(-1)!.done).toBe(true);
  });

  it('the last allowed step adds -0.05 for exceeding max steps', () => {
    const r = play('task_easy', Array.from({ length: 10 }, () => act({ action_type: 'investigate', target: 'auth-service' }))).results;
    expect(r).toHaveLength(10);
    expect(r.at(-1)!.done).toBe(true);
    expect(r.at(-1)!.reward.value).toBeCloseTo(REWARDS.maxStepsExceeded, 10);
    expect(r.at(-1)!.reward.reason).toContain('max steps exceeded');
  });
});
