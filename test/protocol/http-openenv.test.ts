import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRunningEnvironment } from '../../src/client/validate.js';
import { listening } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening();
});
afterAll(async () => {
  await server.app.close();
});
const req = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
};

describe('OpenEnv HTTP surface', () => {
  it('passes the six runtime criteria of openenv validate', async () => {
    const report = await validateRunningEnvironment(server.url);
    expect(report.summary.failed_criteria).toEqual([]);
    expect(report).toMatchObject({ passed: true, standard_version: '1.0.0', standard_profile: 'openenv-http/1.x', mode: 'simulation' });
  });

  it('the validator fails a server that is not an OpenEnv environment', async () => {
    const report = await validateRunningEnvironment('http://127.0.0.1:9', 500);
    expect(report.passed).toBe(false);
    expect(report.summary.failed_criteria).toHaveLength(6);
  });

  it('GET /metadata has every key, with the README', async () => {
    const { body } = await req('GET', '/metadata');
    expect(Object.keys(body).sort()).toEqual(['author', 'description', 'documentation_url', 'generator_version', 'name', 'readme_content', 'version']);
    expect(body.readme_content).toContain('# Incident Response OpenEnv');
    expect(body.version).toBe('1.0.0');
    expect(body.generator_version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('GET /schema publishes the zod-generated schemas', async () => {
    const { body } = await req('GET', '/schema');
    expect(body.action).toMatchObject({ type: 'object', additionalProperties: false, required: ['action_type'] });
    expect(body.action.properties.action_type.enum).toEqual(['investigate', 'escalate', 'apply_fix', 'postmortem', 'no_op']);
    expect(body.action.properties).toHaveProperty('metadata');
    expect(body.observation.properties).toHaveProperty('available_actions');
    expect(body.state.properties).toHaveProperty('episode_id');
    expect(body.state.properties).toHaveProperty('step_count');
  });

  it('GET /openapi.json is generated from the routes: every route there is, with its declared schemas', async () => {
    const { body } = await req('GET', '/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    expect(body.info.version).toBe('1.0.0');
    // The routes the API has are documented, and every documented operation is a route the server has.
    const documented = Object.keys(body.paths);
    for (const p of ['/', '/health', '/metadata', '/schema', '/tasks', '/session', '/reset', '/step', '/state', '/drill', '/drill/{id}', '/drill/{id}/hints', '/mcp', '/ws', '/metrics', '/openapi.json']) expect(documented).toContain(p);
    for (const [path, ops] of Object.entries(body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) expect(server.app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path}`).toBe(true);
    }
    expect(documented.filter((p) => p.startsWith('/web') || p.startsWith('/docs'))).toEqual([]);
    // Request schemas are the zod declarations: both step dialects, the action's own fields and descriptions.
    const step = body.paths['/step'].post;
    const bodies = step.requestBody.content['application/json'].schema.anyOf.map((r: { $ref: string }) => r.$ref.split('/').pop());
    expect(bodies).toEqual(['SeedStepRequestInput', 'OpenEnvStepRequestInput']);
    const seedForm = body.components.schemas.SeedStepRequestInput;
    expect(seedForm.properties.action_type.enum).toEqual(['investigate', 'escalate', 'apply_fix', 'postmortem', 'no_op']);
    expect(seedForm.properties.view.description).toMatch(/Generated incidents/);
    expect(body.components.schemas.OpenEnvStepRequestInput.properties.action.$ref).toBe('#/components/schemas/IncidentActionInput');
    expect(step.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['query:task_id', 'query:session_id', 'header:x-session-id']);
    expect(step.responses['200'].content['application/json'].schema.anyOf).toHaveLength(2);
    expect(step.responses['422'].description).toMatch(/invalid action/);
    expect(body.paths['/reset'].post.parameters.map((p: { name: string }) => p.name)).toContain('seed');
    expect(body.paths['/drill/{id}'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['query:key', 'path:id']);
    expect(body.components.schemas.IncidentObservation.properties).toHaveProperty('available_actions');
    const docs = await fetch(`${server.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });

  it('OpenEnv forms of /reset and /step answer {observation, reward, done}', async () => {
    const reset = await req('POST', '/reset', {});
    expect(reset.status).toBe(200);
    expect(Object.keys(reset.body)).toEqual(['observation', 'reward', 'done']);
    expect(reset.body).toMatchObject({ reward: null, done: false, observation: { task_id: 'task_easy' } });
    const hard = await req('POST', '/reset', { task_id: 'task_hard', seed: 1, episode_id: 'ep-h' });
    expect(hard.body.observation.task_id).toBe('task_hard');
    const step = await req('POST', '/step', { action: { action_type: 'investigate', target: 'config-service', metadata: {} }, timeout_s: 5, request_id: 'r1' });
    expect(step.status).toBe(200);
    expect(step.body).toMatchObject({ reward: 0.15, done: false, observation: { task_id: 'task_hard' } });
    const state = await req('GET', '/state');
    expect(state.body).toMatchObject({ episode_id: 'ep-h', step_count: 1, task_id: 'task_hard' });
  });

  it('OpenEnv envelope and action errors are 422 with FastAPI-style detail', async () => {
    await req('POST', '/reset', {});
    const missing = await req('POST', '/step', { action: 'no' });
    expect(missing.status).toBe(422);
    const badTimeout = await req('POST', '/step', { action: { action_type: 'no_op' }, timeout_s: 0 });
    expect(badTimeout.status).toBe(422);
    expect(badTimeout.body.detail[0].loc).toEqual(['body', 'timeout_s']);
    const extra = await req('POST', '/step', { action: { action_type: 'no_op', bogus: 1 } });
    expect(extra.status).toBe(422);
    expect(extra.body.detail[0]).toMatchObject({ type: 'extra_forbidden', loc: ['body', 'action', 'bogus'] });
    const seed = await req('POST', '/reset', { seed: -1 });
    expect(seed.status).toBe(422);
    expect(seed.body.detail[0].loc).toEqual(['body', 'seed']);
    const arr = await req('POST', '/reset', [1]);
    expect(arr.status).toBe(422);
  });
});
