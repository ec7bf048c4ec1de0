/**
 * MCP Streamable HTTP with the official TypeScript SDK client: a session per `initialize`, every
 * call in it acts on one episode, and the evidence-following agent plays a seed task and a
 * generated incident to their final scores through the tools alone.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleAgent } from '../../src/agents/index.js';
import type { Action, Observation } from '../../src/domain/index.js';
import { listening } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening({ maxConcurrentEnvs: 8 });
});
afterAll(async () => {
  await server.app.close();
});

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'mcp-streamable-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`));
  await client.connect(transport);
  return { client, transport };
}

type Data = { observation: Observation; reward?: number | null; done: boolean; score?: number };

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Data> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, JSON.stringify(result.content)).toBe(false);
  return result.structuredContent as unknown as Data;
}

/** The tool that carries out an agent's action. */
function toolFor(action: Action): [string, Record<string, unknown>] {
  switch (action.action_type) {
    case 'investigate':
      return ['investigate', { service: action.target }];
    case 'escalate':
      return ['escalate', { team: action.target, ...(action.details ? { details: action.details } : {}) }];
    case 'apply_fix':
      return ['apply_fix', { fix_id: action.target, ...(action.details ? { details: action.details } : {}) }];
    case 'postmortem':
      return ['submit_postmortem', { text: action.details || action.target }];
    default:
      return ['no_op', {}];
  }
}

async function play(client: Client, start: Record<string, unknown>): Promise<number> {
  let data = await call(client, 'start_incident', start);
  const policy = ruleAgent.create({ seed: 0 });
  for (let guard = 0; !data.done && guard < 60; guard++) {
    const [name, args] = toolFor(await policy.act(data.observation));
    data = await call(client, name, args);
  }
  expect(data.done).toBe(true);
  const view = await call(client, 'view_incident');
  return view.score!;
}

describe('MCP Streamable HTTP (official SDK client)', () => {
  it('initialize opens a session with an Mcp-Session-Id; the agent plays a seed task to its final score', async () => {
    const { client, transport } = await connect();
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.getServerVersion()?.name).toBe('incident-response-openenv');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['start_incident', 'investigate', 'escalate', 'apply_fix', 'submit_postmortem', 'view_incident']));
    expect(await play(client, { task_id: 'task_hard' })).toBeGreaterThan(0.9);
    await transport.terminateSession();
    await client.close();
  });

  it('a generated incident, played the same way, keeps its episode across calls', async () => {
    const { client, transport } = await connect();
    const first = await call(client, 'start_incident', { task_id: 'generated', seed: 7, difficulty: 'hard', split: 'test' });
    const service = first.observation.services[0]!.name;
    const after = await call(client, 'investigate', { service });
    // Same session, same episode: the step counter moved and the service's logs are in the observation.
    expect(after.observation.step).toBe(1);
    expect(Object.keys(after.observation.logs)).toContain(service);
    expect(await play(client, { task_id: 'generated', seed: 11, difficulty: 'medium', split: 'test' })).toBeGreaterThan(0.5);
    await transport.terminateSession();
    await client.close();
  });

  it('a rejected call in a session with no incident yet starts none', async () => {
    const { client, transport } = await connect();
    const key = `env:${transport.sessionId}`;
    const bad = await client.callTool({ name: 'investigate', arguments: { service: 'mainframe' } });
    expect(bad.isError).toBe(true);
    expect(await server.envs.has(key)).toBe(false);
    await call(client, 'investigate', { service: 'postgres-db' });
    expect(await server.envs.has(key)).toBe(true);
    await transport.terminateSession();
  });

  it('unknown tools are "tool not found"; a prototype name is not a tool', async () => {
    const { client, transport } = await connect();
    await expect(client.callTool({ name: 'toString', arguments: {} })).rejects.toThrow(/Tool not found: toString/);
    await expect(client.callTool({ name: 'reset', arguments: {} })).rejects.toThrow(/Tool not found/);
    await transport.terminateSession();
  });

  it('DELETE ends the session and frees its slot; the id is then unknown (404)', async () => {
    const before = server.sessions.active;
    const { client, transport } = await connect();
    await call(client, 'start_incident', { task_id: 'task_easy' });
    expect(server.sessions.active).toBe(before + 1);
    const sid = transport.sessionId!;
    await transport.terminateSession();
    expect(server.sessions.active).toBe(before);
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sid },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(404);
  });
});

describe('MCP Streamable HTTP on the wire', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

  it('negotiates the protocol version: a version it does not speak gets the latest', async () => {
    const res = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 'x', version: '0' } } });
    expect(res.status).toBe(200);
    const sid = res.headers.get('mcp-session-id');
    expect(sid).toBeTruthy();
    expect(((await res.json()) as { result: { protocolVersion: string } }).result.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    // The initialized notification is accepted with 202 and no body.
    const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid!, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION });
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');
    const del = await fetch(`${server.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': sid!, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION } });
    expect(del.status).toBe(200);
  });

  it('a notification without a session is accepted (202, no body); GET without a session is 405', async () => {
    const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');
    const get = await fetch(`${server.url}/mcp`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toContain('POST');
    const del = await fetch(`${server.url}/mcp`, { method: 'DELETE' });
    expect(del.status).toBe(400);
  });

  it('a refused initialize (a client that cannot take an event stream) leaves no session behind', async () => {
    const before = server.sessions.active;
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/html' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'x', version: '0' } } }),
    });
    expect(res.status).toBe(406);
    expect(server.sessions.active).toBe(before);
  });

  it("OpenEnv's JSON-RPC dialect still works on the same path (no initialize, no header)", async () => {
    const created = (await (await post({ jsonrpc: '2.0', id: 1, method: 'openenv/session/create', params: { task_id: 'task_easy' } })).json()) as { result: { session_id: string } };
    const sid = created.result.session_id;
    const inv = (await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'investigate', arguments: { service: 'postgres-db' }, session_id: sid } })).json()) as { result: { data: { reward: number } } };
    expect(inv.result.data.reward).toBe(0.3);
    const closed = (await (await post({ jsonrpc: '2.0', id: 3, method: 'openenv/session/close', params: { session_id: sid } })).json()) as { result: { closed: boolean } };
    expect(closed.result.closed).toBe(true);
  });
});
