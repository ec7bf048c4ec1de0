import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening({ maxConcurrentEnvs: 2 });
});
afterAll(async () => {
  await server.app.close();
});

const rpc = async (body: unknown, raw = false) => {
  const res = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
};
let nextId = 1;
const call = (method: string, params: Record<string, unknown> = {}) => rpc({ jsonrpc: '2.0', method, params, id: nextId++ });

describe('POST /mcp', () => {
  it('always answers HTTP 200 with JSON-RPC errors for bad requests', async () => {
    const empty = await rpc({});
    expect(Object.keys(empty)).toEqual(['jsonrpc', 'id', 'error']);
    expect(empty).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, data: null } });
    expect(empty.error.message).toMatch(/^Invalid request: /);
    expect((await rpc('{nope', true)).error).toMatchObject({ code: -32700 });
    expect((await rpc('', true)).error.code).toBe(-32700);
    expect((await rpc({ jsonrpc: '2.0', method: 'tools/list', params: [1], id: 1 })).error.code).toBe(-32600);
    expect((await rpc({ jsonrpc: '2.0', method: 'x', id: 'abc', extra: 1 })).error.code).toBe(-32600);
    const unknown = await rpc({ jsonrpc: '2.0', method: 'tools/explode', id: 'abc' });
    expect(unknown).toEqual({ jsonrpc: '2.0', id: 'abc', error: { code: -32601, message: 'Method not found: tools/explode', data: null } });
    expect((await rpc({ jsonrpc: '2.0', method: 'tools/list' })).id).toBeNull();
  });

  it('tools/list works before any reset and describes every tool with a JSON Schema', async () => {
    const { result } = await call('tools/list');
    const names = result.tools.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['investigate', 'escalate', 'apply_fix', 'submit_postmortem', 'no_op', 'start_incident']));
    for (const reserved of ['reset', 'step', 'state', 'close']) expect(names).not.toContain(reserved);
    for (const tool of result.tools) {
      expect(tool.description.length).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe('object');
    }
    expect(result.tools.find((t: { name: string }) => t.name === 'investigate').inputSchema.required).toEqual(['service']);
  });

  it('session create, tools/call as steps, close; unknown and missing ids', async () => {
    const created = await call('openenv/session/create', { task_id: 'task_easy' });
    const sid = created.result.session_id;
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);
    const inv = await call('tools/call', { name: 'investigate', arguments: { service: 'postgres-db' }, session_id: sid });
    expect(Object.keys(inv.result)).toEqual(expect.arrayContaining(['content', 'structured_content', 'meta', 'data', 'is_error']));
    expect(inv.result.is_error).toBe(false);
    expect(inv.result.data).toMatchObject({ reward: 0.3, done: false });
    expect(JSON.parse(inv.result.content[0].text).reward).toBe(0.3);
    const bad = await call('tools/call', { name: 'investigate', arguments: { service: 'mainframe' }, session_id: sid });
    expect(bad.result.is_error).toBe(true);
    expect(bad.result.content[0].text).toContain('postgres-db');
    const badArgs = await call('tools/call', { name: 'investigate', arguments: { svc: 'x' }, session_id: sid });
    expect(badArgs.result.is_error).toBe(true);
    expect((await call('tools/call', { arguments: {} })).error).toMatchObject({ code: -32602, message: "Missing 'name' in params" });
    expect((await call('tools/call', { name: 'reboot', session_id: sid })).error.code).toBe(-32602);
    expect((await call('tools/call', { name: 'no_op', session_id: 'nope' })).error).toMatchObject({ code: -32602, message: 'Unknown session_id: nope' });
    expect((await call('openenv/session/close', {})).error).toMatchObject({ code: -32602, message: "Invalid params - 'session_id' is required" });
    expect((await call('openenv/session/close', { session_id: 'nope' })).error.message).toBe('Unknown session_id: nope');
    expect((await call('openenv/session/close', { session_id: sid })).result).toEqual({ session_id: sid, closed: true });
    expect((await call('tools/call', { name: 'no_op', session_id: sid })).error.code).toBe(-32602);
  });

  it('a call without a session runs in a throwaway episode', async () => {
    const r = await call('tools/call', { name: 'investigate', arguments: { service: 'postgres-db' } });
    expect(r.result.data.observation.step).toBe(1);
    const again = await call('tools/call', { name: 'investigate', arguments: { service: 'postgres-db' } });
    expect(again.result.data.observation.step).toBe(1);
  });

  it('capacity is shared with WebSocket sessions: -32000 with active/max data', async () => {
    const a = await call('openenv/session/create');
    const b = await call('openenv/session/create');
    const c = await call('openenv/session/create');
    expect(c.error).toEqual({
      code: -32000,
      message: 'Server at capacity: 2/2 sessions active. Cannot accept new connections.',
      data: { active_sessions: 2, max_sessions: 2 },
    });
    await call('openenv/session/close', { session_id: a.result.session_id });
    await call('openenv/session/close', { session_id: b.result.session_id });
  });
});
