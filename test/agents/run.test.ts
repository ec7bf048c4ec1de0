/**
 * The one episode loop: its rules (a refused action is played as a no-op and recorded, other
 * failures propagate, a step guard, a stop hook), and the same agent over the three environments
 * it plays — in-process, WebSocket and HTTP — giving the same trajectory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleAgent } from '../../src/agents/rule.js';
import { EPISODE_STEP_GUARD, runEpisode, type EpisodeEnv } from '../../src/agents/run.js';
import type { Policy } from '../../src/agents/types.js';
import { connect } from '../../src/client/index.js';
import { findTask, generatedTask, observe, reset, type Action, type Observation } from '../../src/domain/index.js';
import { inProcessEnv } from '../../src/eval/in-process.js';
import { listening } from '../helpers/server.js';

const first = observe(findTask('task_easy')!, reset(findTask('task_easy')!));
const always = (action: Action): Policy => ({ act: () => action });

/** An environment that counts steps, refuses one kind of action and never ends unless told to. */
function fakeEnv(opts: { refuse?: string; endAfter?: number; failAt?: number } = {}): EpisodeEnv & { played: Action[] } {
  const played: Action[] = [];
  return {
    played,
    async step(action) {
      if (opts.failAt !== undefined && played.length === opts.failAt) throw Object.assign(new Error('connection reset'), { code: 'CONNECTION_CLOSED' });
      if (action.action_type === opts.refuse) throw Object.assign(new Error(`invalid action ${action.action_type}`), { code: 'VALIDATION_ERROR' });
      played.push(action);
      const done = opts.endAfter !== undefined && played.length >= opts.endAfter;
      return { observation: { ...first, step: played.length }, reward: 0.5, reason: 'ok', done };
    },
  };
}

describe('runEpisode', () => {
  it('plays a refused action as a no-op, records the refusal, and goes on to the end', async () => {
    const env = fakeEnv({ refuse: 'escalate', endAfter: 3 });
    const rewards: number[] = [];
    const policy: Policy = { act: () => ({ action_type: 'escalate', target: 'nobody' }), reward: (r) => void rewards.push(r) };
    const run = await runEpisode(env, policy, first);
    expect(run.done).toBe(true);
    expect(env.played).toEqual([{ action_type: 'no_op', target: '' }, { action_type: 'no_op', target: '' }, { action_type: 'no_op', target: '' }]);
    expect(run.steps.map((s) => s.error)).toEqual(['invalid action escalate', 'invalid action escalate', 'invalid action escalate']);
    expect(run.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(rewards).toEqual([0.5, 0.5, 0.5]);
  });

  it('lets any other failure through: a broken connection is not a no-op', async () => {
    await expect(runEpisode(fakeEnv({ failAt: 2 }), always({ action_type: 'no_op', target: '' }), first)).rejects.toThrow(/connection reset/);
  });

  it('stops at the step guard when the environment never ends, and when beforeStep says so', async () => {
    const endless = await runEpisode(fakeEnv(), always({ action_type: 'no_op', target: '' }), first);
    expect(endless.steps).toHaveLength(EPISODE_STEP_GUARD);
    expect(endless.done).toBe(false);
    let allowed = 4;
    const stopped = await runEpisode(fakeEnv(), always({ action_type: 'no_op', target: '' }), first, { beforeStep: () => allowed-- > 0 });
    expect(stopped.steps).toHaveLength(4);
  });

  describe('one loop over three environments', () => {
    let server: Awaited<ReturnType<typeof listening>>;
    beforeAll(async () => {
      server = await listening();
    });
    afterAll(async () => {
      await server.app.close();
    });

    it('the rule agent plays the same generated incident to the same trajectory in-process, over WebSocket and over HTTP', async () => {
      const params = { seed: 4242, difficulty: 'expert' as const, split: 'test' as const, family: null };
      const local = inProcessEnv(generatedTask(params), params.seed);
      const reference = await runEpisode(local, ruleAgent.create({ seed: params.seed }), local.first);
      const trace = (steps: { action: Action; reward: number; reason: string; done: boolean; observation: Observation }[]) =>
        JSON.stringify(steps.map((s) => ({ action: s.action, reward: s.reward, reason: s.reason, done: s.done, observation: s.observation })));
      expect(reference.done).toBe(true);
      for (const transport of ['ws', 'http'] as const) {
        const client = await connect({ url: server.url, transport });
        try {
          const start = await client.reset({ task_id: 'generated', seed: params.seed, difficulty: params.difficulty, split: params.split });
          expect(JSON.stringify(start.observation)).toBe(JSON.stringify(local.first));
          const run = await runEpisode(client, ruleAgent.create({ seed: params.seed }), start.observation);
          expect(trace(run.steps), transport).toBe(trace(reference.steps));
          expect((await client.state()).score).toBe(local.state().score);
        } finally {
          await client.close();
        }
      }
    });
  });
});
