import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../helpers/server.js';
import { openWs, wsUrl } from '../helpers/ws.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening({ maxConcurrentEnvs: 4 });
});
afterAll(async () => {
  await server.app.close();
});
const ws = () => openWs(wsUrl(server.url, '/ws'));

describe('WebSocket /ws', () => {
  it('reset, step and state reply in OpenEnv shapes, in order', async () => {
    const c = await ws();
    c.send({ type: 'reset', data: { task_id: 'task_medium', seed: 3, episode_id: 'ep-1' } });
    c.send({ type: 'step', data: { action_type: 'investigate', target: 'redis-cache', metadata: {} } });
    c.send({ type: 'state' });
    const reset = await c.next();
    expect(reset.type).toBe('observation');
    expect(Object.keys(reset.data)).toEqual(['observation', 'reward', 'done']);
    expect(reset.data).toMatchObject({ reward: null, done: false });
    expect(reset.data.observation.task_id).toBe('task_medium');
    const step = await c.next();
    expect(step).toMatchObject({ type: 'observation', data: { reward: 0.2, done: false } });
    expect(step.data.observation.logs['redis-cache'].length).toBeGreaterThan(0);
    expect(step.data.observation).not.toHaveProperty('reward');
    expect(step.data.observation).not.toHaveProperty('metadata');
    const state = await c.next();
    expect(state.type).toBe('state');
    expect(state.data).toMatchObject({ episode_id: 'ep-1', step_count: 1, task_id: 'task_medium' });
    c.send({ type: 'close' });
    expect(await c.closed).toBe(1000);
  });

  it('keeps the connection after INVALID_JSON, UNKNOWN_TYPE, VALIDATION_ERROR and EXECUTION_ERROR', async () => {
    const c = await ws();
    c.send({ type: 'step', data: { action_type: 'no_op' } });
    expect(await c.next()).toMatchObject({ type: 'error', data: { code: 'EXECUTION_ERROR' } });
    c.send('{not json');
    expect(await c.next()).toMatchObject({ type: 'error', data: { code: 'INVALID_JSON' } });
    c.send({ type: 'dance' });
    const unknown = await c.next();
    expect(unknown.data.code).toBe('UNKNOWN_TYPE');
    expect(unknown.data.message).toContain('Unknown message type: dance');
    c.send({ data: {} });
    expect((await c.next()).data).toMatchObject({ code: 'UNKNOWN_TYPE', message: expect.stringMatching(/^Unknown message type: ;/) });
    c.send({ type: 'state', data: {} });
    const v = await c.next();
    expect(v.data.code).toBe('VALIDATION_ERROR');
    expect(v.data.errors).toEqual([expect.objectContaining({ type: 'extra_forbidden', loc: ['data'] })]);
    c.send({ type: 'step' });
    expect((await c.next()).data.errors[0].loc).toEqual(['data']);
    c.send({ type: 'reset', data: { task_id: 'task_nope' } });
    expect((await c.next()).data).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('task_easy') });
    c.send({ type: 'reset', data: { seed: -1 } });
    expect((await c.next()).data.code).toBe('VALIDATION_ERROR');
    c.send({ type: 'reset' });
    expect((await c.next()).type).toBe('observation');
    c.send({ type: 'step', data: { action_type: 'investigate', target: 'mainframe' } });
    const bad = await c.next();
    expect(bad.data.code).toBe('VALIDATION_ERROR');
    expect(bad.data.message).toContain('postgres-db');
    c.send({ type: 'step', data: { action_type: 'no_op', bogus: 1 } });
    expect((await c.next()).data.errors[0]).toMatchObject({ type: 'extra_forbidden', loc: ['bogus'] });
    c.send({ type: 'state' });
    const state = await c.next();
    expect(state.data.step_count).toBe(0);
    c.socket.close();
  });

  it('a non-object frame is a SESSION_ERROR that closes the connection with 1000', async () => {
    const c = await ws();
    c.send('[1,2]');
    expect((await c.next()).data.code).toBe('SESSION_ERROR');
    expect(await c.closed).toBe(1000);
  });

  it('a binary frame is a SESSION_ERROR', async () => {
    const c = await ws();
    c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next()).data.code).toBe('SESSION_ERROR');
    expect(await c.closed).toBe(1000);
  });

  it('state before reset is the empty base state', async () => {
    const c = await ws();
    c.send({ type: 'state' });
    expect(await c.next()).toEqual({ type: 'state', data: { episode_id: null, step_count: 0 } });
    c.socket.close();
  });

  it('beyond MAX_CONCURRENT_ENVS: one CAPACITY_REACHED frame, then close 1000; the slot frees on disconnect', async () => {
    const held = await Promise.all([ws(), ws(), ws(), ws()]);
    const extra = await ws();
    const frame = await extra.next();
    expect(frame).toEqual({
      type: 'error',
      data: { message: 'Server at capacity: 4/4 sessions active. Cannot accept new connections.', code: 'CAPACITY_REACHED', active_sessions: 4, max_sessions: 4 },
    });
    expect(await extra.closed).toBe(1000);
    held[0]!.socket.close();
    await held[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await ws();
    again.send({ type: 'reset' });
    expect((await again.next()).type).toBe('observation');
    for (const c of [...held.slice(1), again]) c.socket.close();
    await Promise.all([...held.slice(1), again].map((c) => c.closed));
  });

  it('two clients at once never see each other\'s episodes', async () => {
    const [a, b] = await Promise.all([ws(), ws()]);
    a.send({ type: 'reset', data: { task_id: 'task_easy', episode_id: 'A' } });
    b.send({ type: 'reset', data: { task_id: 'task_hard', episode_id: 'B' } });
    await Promise.all([a.next(), b.next()]);
    a.send({ type: 'step', data: { action_type: 'investigate', target: 'postgres-db' } });
    b.send({ type: 'step', data: { action_type: 'no_op' } });
    b.send({ type: 'step', data: { action_type: 'no_op' } });
    const [sa] = await Promise.all([a.next(), b.next(), b.next()]);
    expect(sa.data.observation.task_id).toBe('task_easy');
    a.send({ type: 'state' });
    b.send({ type: 'state' });
    const [stA, stB] = await Promise.all([a.next(), b.next()]);
    expect(stA.data).toMatchObject({ episode_id: 'A', task_id: 'task_easy', step_count: 1 });
    expect(stB.data).toMatchObject({ episode_id: 'B', task_id: 'task_hard', step_count: 2 });
    a.socket.close();
    b.socket.close();
  });

  it('speaks MCP through {"type":"mcp"} and MCP tool actions through step', async () => {
    const c = await ws();
    c.send({ type: 'mcp', data: { jsonrpc: '2.0', method: 'tools/list', id: 1 } });
    const list = await c.next();
    expect(list.type).toBe('mcp');
    expect(list.data.result.tools.map((t: { name: string }) => t.name)).toContain('investigate');
    c.send({ type: 'step', data: { type: 'list_tools' } });
    const tools = (await c.next()).data.observation.tools;
    expect(tools[0]).toHaveProperty('input_schema');
    c.send({ type: 'reset', data: { task_id: 'task_easy' } });
    await c.next();
    c.send({ type: 'step', data: { type: 'call_tool', tool_name: 'investigate', arguments: { service: 'postgres-db' } } });
    const call = await c.next();
    expect(call.data).toMatchObject({ reward: 0.3, done: false, observation: { tool_name: 'investigate', error: null } });
    expect(call.data.observation.result.data.observation.logs['postgres-db']).toBeDefined();
    c.send({ type: 'step', data: { type: 'call_tool', tool_name: 'reboot', arguments: {} } });
    expect((await c.next()).data.observation.error.error_type).toBe('tool_not_found');
    c.send({ type: 'mcp', data: { jsonrpc: '2.0', method: 'openenv/session/create', id: 2 } });
    const created = await c.next();
    c.send({ type: 'mcp', data: { jsonrpc: '2.0', method: 'openenv/session/close', params: { session_id: created.data.result.session_id }, id: 3 } });
    expect((await c.next()).data.result.closed).toBe(true);
    c.send({ type: 'state' });
    expect((await c.next()).data.step_count).toBe(1);
    c.socket.close();
  });
});

describe('WebSocket /mcp', () => {
  it('answers raw JSON-RPC, keeps the connection on parse errors, one session per connection', async () => {
    const c = await openWs(wsUrl(server.url, '/mcp'));
    c.send('{oops');
    expect((await c.next()).error.code).toBe(-32700);
    c.send({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'start_incident', arguments: { task_id: 'task_hard' } }, id: 7 });
    const started = await c.next();
    expect(started.id).toBe(7);
    expect(started.result.data.observation.task_id).toBe('task_hard');
    c.send({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'investigate', arguments: { service: 'config-service' } }, id: 8 });
    expect((await c.next()).result.data.reward).toBe(0.15);
    c.send({ jsonrpc: '2.0', method: 'nope', id: 9 });
    expect((await c.next()).error).toMatchObject({ code: -32601, message: 'Method not found: nope' });
    c.socket.close();
  });
});
