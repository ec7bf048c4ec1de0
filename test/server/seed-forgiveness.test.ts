/**
 * The seed dialect is as forgiving as the seed: what its clients send (a model's extra keys,
 * targets in other case or with spaces, names that do not exist) gets the seed's outcome.
 */
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

const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
const step = async (payload: unknown) => {
  const res = await post('/step?task_id=task_easy', payload);
  return { status: res.statusCode, body: res.json() };
};

describe('the seed dialect forgives what seed clients send', () => {
  it('ignores keys it does not know (a model adds "reasoning"), and still plays the expert path to 0.99', async () => {
    await post('/reset?task_id=task_easy');
    let last: { status: number; body: any } | null = null;
    for (const a of EXPERT_PATHS.task_easy!) last = await step({ ...a, reasoning: 'the database is saturated', confidence: 0.9 });
    expect(last!.status).toBe(200);
    expect(last!.body.info.score).toBe(0.99);
  });

  it('keeps every key the action schema defines: a view on a generated incident is honoured, on a seed task refused by name', async () => {
    const svc = (await post('/reset?task_id=generated&seed=77&difficulty=hard&session_id=v1')).json().services[0].name;
    const res = await post('/step?session_id=v1', { action_type: 'investigate', target: svc, view: 'metrics', reasoning: 'dashboards first' });
    expect(res.statusCode).toBe(200);
    expect(res.json().observation.logs[svc]).toBeUndefined();
    expect(res.json().observation.metric_evidence[svc]).toBeDefined();
    await post('/reset?task_id=task_easy');
    const seed = await step({ action_type: 'investigate', target: 'postgres-db', view: 'logs' });
    expect(seed.status).toBe(422);
    expect(JSON.stringify(seed.body)).toContain('view');
  });

  it('trims and case-folds targets', async () => {
    await post('/reset?task_id=task_easy');
    const r = await step({ action_type: 'investigate', target: '  Postgres-DB ' });
    expect(r.status).toBe(200);
    expect(r.body.observation.investigated).toEqual(['postgres-db']);
    expect(r.body.reward.value).toBe(0.3);
  });

  it('an unknown service, team or fix is a penalised step naming what is allowed', async () => {
    await post('/reset?task_id=task_easy');
    const service = await step({ action_type: 'investigate', target: 'mainframe' });
    expect(service.status).toBe(200);
    expect(service.body.reward.value).toBe(-0.05);
    expect(service.body.reward.reason).toMatch(/unknown service "mainframe".*allowed: api-gateway, auth-service, payment-service, postgres-db/);
    expect(service.body.observation.step).toBe(1);

    const team = await step({ action_type: 'escalate', target: 'ceo' });
    expect(team.body.reward.value).toBe(-0.1);
    expect(team.body.reward.reason).toMatch(/database-team/);

    const fix = await step({ action_type: 'apply_fix', target: 'pray' });
    expect(fix.body.reward.value).toBe(-0.15);
    expect(fix.body.reward.reason).toMatch(/increase_db_connections/);

    const state = (await app.inject({ method: 'GET', url: '/state?task_id=task_easy' })).json();
    expect(state.step).toBe(3);
    expect(state.grader_state.wrong_escalations).toBe(1);
    expect(state.grader_state.wrong_fixes).toBe(1);
    expect(state.penalties.map((p: { points: number }) => p.points)).toEqual([-0.1, -0.15]);
  });

  it('malformed JSON and wrong types stay 422 and change nothing', async () => {
    await post('/reset?task_id=task_easy');
    const bad = await app.inject({ method: 'POST', url: '/step?task_id=task_easy', payload: '{"action_type":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(422);
    expect((await step({ action_type: 'no_op', target: 5 })).status).toBe(422);
    expect((await step({ action_type: 'reboot', target: 'x' })).status).toBe(422);
    const state = (await app.inject({ method: 'GET', url: '/state?task_id=task_easy' })).json();
    expect(state.step).toBe(0);
  });

  it("grader_state carries the seed's keys", async () => {
    await post('/reset?task_id=task_easy');
    await step({ action_type: 'no_op', target: '' });
    const r = await step({ action_type: 'no_op', target: '' });
    expect(r.body.info.grader_state.no_op_count).toBe(2);
    expect(r.body.info.grader_state.correct_fix_applied).toBe(false);
  });

  it('the OpenEnv dialect stays strict: an unknown key is a 422 naming it', async () => {
    await post('/reset?task_id=task_easy');
    const res = await post('/step?task_id=task_easy', { action: { action_type: 'no_op', target: '', reasoning: 'x' } });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/reasoning/);
  });

  it('/redoc leads to the API docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/redoc' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/docs');
  });
});
