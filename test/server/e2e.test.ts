import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERT_PATHS } from '../helpers/paths.js';
import { listening } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening();
});
afterAll(async () => {
  await server.app.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe('end to end over a real socket', () => {
  it('the seed curl examples work', async () => {
    const reset = await call('POST', '/reset?task_id=task_easy');
    expect(reset.status).toBe(200);
    expect(reset.body.task_id).toBe('task_easy');
    const step = await call('POST', '/step?task_id=task_easy', { action_type: 'investigate', target: 'postgres-db' });
    expect(step.status).toBe(200);
    expect(step.body.reward.value).toBe(0.3);
    expect(step.body.observation.logs['postgres-db'].length).toBeGreaterThan(0);
    const state = await call('GET', '/state?task_id=task_easy');
    expect(state.body.step).toBe(1);
  });

  it('many concurrent sessions never see each other\'s episodes', async () => {
    const tasks = Object.keys(EXPERT_PATHS);
    const players = Array.from({ length: 24 }, (_, i) => ({ id: `p${i}`, task: tasks[i % tasks.length]! }));
    await Promise.all(players.map((p) => call('POST', `/reset?task_id=${p.task}&session_id=${p.id}`)));
    // Interleave every player's steps.
    const maxLen = Math.max(...Object.values(EXPERT_PATHS).map((a) => a.length));
    for (let i = 0; i < maxLen; i++) {
      await Promise.all(
        players.map(async (p) => {
          const action = EXPERT_PATHS[p.task]![i];
          if (!action) return;
          const r = await call('POST', `/step?session_id=${p.id}`, action);
          expect(r.status).toBe(200);
          expect(r.body.observation.task_id).toBe(p.task);
        }),
      );
    }
    const states = await Promise.all(players.map((p) => call('GET', `/state?session_id=${p.id}`)));
    states.forEach((s, i) => {
      const p = players[i]!;
      expect(s.body.task_id).toBe(p.task);
      expect(s.body.session_id).toBe(p.id);
      expect(s.body.step).toBe(EXPERT_PATHS[p.task]!.length);
      expect(s.body.score).toBeGreaterThanOrEqual(0.95);
    });
  });
});
