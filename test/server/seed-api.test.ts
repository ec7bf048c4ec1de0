import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPERT_PATHS } from '../helpers/paths.js';
import { testApp } from '../helpers/server.js';

let app: FastifyInstance;
beforeEach(() => {
  app = testApp().app;
});
afterEach(async () => {
  await app.close();
});

const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }), headers });
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

describe('seed API shapes', () => {
  it('GET / and /health', async () => {
    expect((await get('/')).json()).toEqual({ status: 'ok', env: 'incident-response-openenv', version: '1.0.0' });
    expect((await get('/health')).json()).toEqual({ status: 'healthy' });
  });

  it('GET /tasks lists id, title, difficulty, max_steps and description', async () => {
    const { tasks, families, difficulties } = (await get('/tasks')).json();
    expect(tasks.map((t: { id: string }) => t.id)).toEqual(['task_easy', 'task_medium', 'task_hard', 'generated']);
    expect(tasks.slice(0, 3).map((t: { max_steps: number }) => t.max_steps)).toEqual([10, 15, 20]);
    expect(families.length).toBeGreaterThanOrEqual(12);
    expect(difficulties.map((d: { id: string }) => d.id)).toEqual(['easy', 'medium', 'hard', 'expert']);
    for (const t of tasks) expect(Object.keys(t)).toEqual(expect.arrayContaining(['id', 'title', 'difficulty', 'max_steps', 'description']));
  });

  it('POST /reset?task_id= returns the Observation', async () => {
    const res = await post('/reset?task_id=task_medium');
    expect(res.statusCode).toBe(200);
    const obs = res.json();
    expect(Object.keys(obs)).toEqual(expect.arrayContaining(['step', 'alerts', 'logs', 'metrics', 'available_actions', 'message', 'task_id', 'task_description']));
    expect(obs.task_id).toBe('task_medium');
    expect(obs.step).toBe(0);
    expect(obs.logs).toEqual({});
  });

  it('POST /reset without task_id plays task_easy', async () => {
    expect((await post('/reset')).json().task_id).toBe('task_easy');
  });

  it('plays each task through the seed API to the same score as in-process', async () => {
    for (const [taskId, actions] of Object.entries(EXPERT_PATHS)) {
      await post(`/reset?task_id=${taskId}`);
      let last;
      for (const action of actions) {
        const res = await post(`/step?task_id=${taskId}`, action);
        expect(res.statusCode).toBe(200);
        last = res.json();
        expect(Object.keys(last)).toEqual(['observation', 'reward', 'done', 'info']);
        expect(Object.keys(last.reward)).toEqual(['value', 'reason']);
        expect(last.info).toHaveProperty('score');
        expect(last.info).toHaveProperty('grader_state');
      }
      expect(last.done).toBe(true);
      const state = (await get(`/state?task_id=${taskId}`)).json();
      expect(state.score).toBe(last.info.score);
      expect(state.score).toBeGreaterThanOrEqual(0.95);
      expect(Object.keys(state)).toEqual(expect.arrayContaining(['task_id', 'step', 'max_steps', 'score', 'done', 'history', 'grader_state']));
      expect(state.history).toHaveLength(actions.length);
      expect(state.ground_truth.root_cause).toBeTruthy();
    }
  });

  it('accepts the seed clients\' empty target and null details', async () => {
    await post('/reset?task_id=task_easy');
    const res = await post('/step?task_id=task_easy', { action_type: 'no_op', target: '', details: null });
    expect(res.statusCode).toBe(200);
    expect(res.json().reward.value).toBe(-0.1);
  });

  it('a step after the end answers 200 "already done" and changes nothing', async () => {
    await post('/reset?task_id=task_easy');
    for (const a of EXPERT_PATHS.task_easy!) await post('/step?task_id=task_easy', a);
    const before = (await get('/state?task_id=task_easy')).json();
    const res = await post('/step?task_id=task_easy', { action_type: 'no_op', target: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json().reward).toEqual({ value: 0.01, reason: 'already done' });
    expect((await get('/state?task_id=task_easy')).json()).toEqual(before);
  });
});

describe('errors change nothing', () => {
  const cases: [string, () => Promise<{ statusCode: number; json(): any }>, number, RegExp][] = [
    ['unknown task', () => post('/reset?task_id=task_nope'), 404, /task_easy, task_medium, task_hard/],
    ['unknown task on step', () => post('/step?task_id=task_nope', { action_type: 'no_op' }), 404, /valid ids/],
    ['unknown task on state', () => get('/state?task_id=task_nope'), 404, /valid ids/],
    ['malformed JSON', () => app.inject({ method: 'POST', url: '/step?task_id=task_easy', payload: '{"action_type":', headers: { 'content-type': 'application/json' } }), 422, /malformed JSON/],
    ['unknown action type', () => post('/step?task_id=task_easy', { action_type: 'reboot', target: 'x' }), 422, /investigate.*escalate.*apply_fix.*postmortem.*no_op/],
    ['empty postmortem', () => post('/step?task_id=task_easy', { action_type: 'postmortem', target: '', details: '' }), 422, /details/],
    ['array body', () => post('/step?task_id=task_easy', [1, 2]), 422, /JSON object/],
    ['wrong type', () => post('/step?task_id=task_easy', { action_type: 'no_op', target: 5 }), 422, /target/],
    ['bad session id', () => post('/step?task_id=task_easy&session_id=a%20b', { action_type: 'no_op' }), 422, /session_id/],
    ['prototype poisoning', () => app.inject({ method: 'POST', url: '/step?task_id=task_easy', payload: '{"action_type":"no_op","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } }), 422, /__proto__/],
    ['negative seed', () => post('/reset?task_id=task_easy&seed=-1'), 422, /seed/],
    ['unknown route', () => get('/nope'), 404, /no route GET \/nope/],
  ];

  for (const [name, call, status, message] of cases) {
    it(`${name}: ${status} with a clear message, state unchanged`, async () => {
      await post('/reset?task_id=task_easy');
      await post('/step?task_id=task_easy', { action_type: 'investigate', target: 'postgres-db' });
      const before = (await get('/state?task_id=task_easy')).json();
      const res = await call();
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(JSON.stringify(body)).toMatch(message);
      expect(typeof body.message).toBe('string');
      expect((await get('/state?task_id=task_easy')).json()).toEqual(before);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  }

  it('step and state before any reset: 409', async () => {
    const step = await post('/step?task_id=task_hard', { action_type: 'no_op' });
    expect(step.statusCode).toBe(409);
    expect(step.json().message).toMatch(/call reset first/);
    expect((await get('/state?task_id=task_hard')).statusCode).toBe(409);
  });

  it('a body over the limit: 413', async () => {
    const small = testApp({ bodyLimit: 2048 }).app;
    await small.inject({ method: 'POST', url: '/reset?task_id=task_easy' });
    const res = await small.inject({
      method: 'POST',
      url: '/step?task_id=task_easy',
      payload: { action_type: 'postmortem', target: '', details: 'x'.repeat(5000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BODY_TOO_LARGE');
    await small.close();
  });

  it('a postmortem longer than the limit is a 422', async () => {
    await post('/reset?task_id=task_medium');
    const res = await post('/step?task_id=task_medium', { action_type: 'postmortem', target: '', details: 'x'.repeat(20_001) });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/details/);
  });
});

describe('sessions', () => {
  it('explicit sessions (query or header) are isolated from each other and from the defaults', async () => {
    await post('/reset?task_id=task_easy');
    await post('/reset?task_id=task_easy&session_id=alice');
    await post('/reset?task_id=task_hard', undefined, { 'x-session-id': 'bob' });
    await post('/step?session_id=alice', { action_type: 'investigate', target: 'postgres-db' });
    await post('/step', { action_type: 'no_op' }, { 'x-session-id': 'bob' });

    const alice = (await get('/state?session_id=alice')).json();
    const bob = (await get('/state', { 'x-session-id': 'bob' })).json();
    const dflt = (await get('/state?task_id=task_easy')).json();
    expect(alice).toMatchObject({ task_id: 'task_easy', step: 1, session_id: 'alice' });
    expect(bob).toMatchObject({ task_id: 'task_hard', step: 1, session_id: 'bob' });
    expect(dflt).toMatchObject({ task_id: 'task_easy', step: 0 });
  });

  it('default sessions are per task id', async () => {
    await post('/reset?task_id=task_easy');
    await post('/reset?task_id=task_medium');
    await post('/step?task_id=task_easy', { action_type: 'no_op' });
    expect((await get('/state?task_id=task_easy')).json().step).toBe(1);
    expect((await get('/state?task_id=task_medium')).json().step).toBe(0);
  });

  it('naming another task than the session plays is a 409', async () => {
    await post('/reset?task_id=task_easy&session_id=s1');
    const res = await post('/step?task_id=task_hard&session_id=s1', { action_type: 'no_op' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/task_easy/);
  });

  it('the session cap answers 503 and keeps existing sessions', async () => {
    const capped = testApp({ maxSessions: 2 }).app;
    expect((await capped.inject({ method: 'POST', url: '/reset?session_id=a' })).statusCode).toBe(200);
    expect((await capped.inject({ method: 'POST', url: '/reset?session_id=b' })).statusCode).toBe(200);
    const res = await capped.inject({ method: 'POST', url: '/reset?session_id=c' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/capacity/);
    expect((await capped.inject({ method: 'POST', url: '/reset?session_id=a' })).statusCode).toBe(200);
    await capped.close();
  });
});
