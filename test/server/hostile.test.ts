/**
 * One unauthenticated client cannot stall, starve or impersonate others: forged X-Forwarded-For
 * chains, a capacity grab, and a WebSocket client that never reads its replies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configFromEnv, trustProxyFrom } from '../../src/server/config.js';
import { listening, testApp } from '../helpers/server.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('X-Forwarded-For is believed only from trusted proxies', () => {
  it('TRUST_PROXY takes a hop count or proxy addresses, never "trust everything"', () => {
    expect(trustProxyFrom(undefined)).toBe(false);
    expect(trustProxyFrom('1')).toBe(1);
    expect(trustProxyFrom('true')).toBe(1);
    expect(trustProxyFrom('2')).toBe(2);
    expect(trustProxyFrom('10.0.0.1, 10.1.0.0/16')).toEqual(['10.0.0.1', '10.1.0.0/16']);
    expect(() => trustProxyFrom('evil.example')).toThrow(/TRUST_PROXY/);
  });

  it('with one proxy in front, the client is the address that proxy saw, whatever the client wrote before it', async () => {
    const { app } = testApp({ trustProxy: 1 });
    closers.push(() => app.close());
    // The victim's session, created through the proxy (which appends the victim's address).
    const created = await app.inject({ method: 'POST', url: '/session?task_id=task_easy', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(created.statusCode).toBe(200);
    const id = created.json().session_id as string;
    // The attacker forges the victim's address at the left of the chain; the proxy appends the attacker's.
    const forged = await app.inject({
      method: 'POST',
      url: `/step?session_id=${id}`,
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.5, 198.51.100.7', 'content-type': 'application/json' },
      payload: { action_type: 'investigate', target: 'postgres-db' },
    });
    expect(forged.statusCode).toBe(409); // as if the session did not exist
    const state = await app.inject({ method: 'GET', url: `/state?session_id=${id}`, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(state.statusCode).toBe(200);
    expect(state.json().step_count).toBe(0);
    // The victim, through the same proxy, still owns it.
    const own = await app.inject({
      method: 'POST',
      url: `/step?session_id=${id}`,
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.5', 'content-type': 'application/json' },
      payload: { action_type: 'investigate', target: 'postgres-db' },
    });
    expect(own.statusCode).toBe(200);
  });

  it('without TRUST_PROXY the header is ignored', async () => {
    const { app } = testApp();
    closers.push(() => app.close());
    const created = await app.inject({ method: 'POST', url: '/session?task_id=task_easy', remoteAddress: '127.0.0.5' });
    const id = created.json().session_id as string;
    const spoofed = await app.inject({ method: 'GET', url: `/state?session_id=${id}`, remoteAddress: '127.0.0.9', headers: { 'x-forwarded-for': '127.0.0.5' } });
    expect(spoofed.statusCode).toBe(409);
  });
});

describe('fair capacity', () => {
  it('by default one client may hold at most a quarter of the protocol capacity', () => {
    expect(configFromEnv({}).maxSessionsPerClient).toBe(256);
    expect(configFromEnv({ MAX_CONCURRENT_ENVS: '40' }).maxSessionsPerClient).toBe(10);
    expect(configFromEnv({ MAX_CONCURRENT_ENVS: '40', MAX_SESSIONS_PER_CLIENT: '3' }).maxSessionsPerClient).toBe(3);
    expect(configFromEnv({}).mcpSessionTtlMs).toBe(300_000);
  });

  it('a client that grabs MCP sessions as fast as it can is stopped at its quota, and another client still gets in', async () => {
    const cap = 16;
    const { app } = testApp({ maxConcurrentEnvs: cap, maxSessionsPerClient: cap / 4 });
    closers.push(() => app.close());
    const create = (ip: string, id: number) =>
      app.inject({ method: 'POST', url: '/mcp', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: { jsonrpc: '2.0', id, method: 'openenv/session/create', params: {} } });
    const grabbed: unknown[] = [];
    for (let i = 0; i < cap; i++) grabbed.push((await create('192.0.2.66', i)).json());
    const ok = grabbed.filter((r) => (r as { result?: unknown }).result !== undefined);
    expect(ok.length).toBe(cap / 4);
    const refused = grabbed.find((r) => (r as { error?: unknown }).error !== undefined) as { error: { message: string } };
    expect(refused.error.message).toMatch(/MAX_SESSIONS_PER_CLIENT/);
    const other = (await create('192.0.2.77', 99)).json() as { result?: unknown };
    expect(other.result).toBeDefined();
  });
});

describe('idle MCP sessions give their capacity back', () => {
  it('the reaper closes MCP HTTP sessions idle past MCP_SESSION_TTL_MS, and the client that held them gets in again', async () => {
    const { app, sessions } = testApp({ maxConcurrentEnvs: 8, maxSessionsPerClient: 2, mcpSessionTtlMs: 200 });
    closers.push(() => app.close());
    const create = (id: number) =>
      app.inject({ method: 'POST', url: '/mcp', remoteAddress: '192.0.2.80', headers: { 'content-type': 'application/json' }, payload: { jsonrpc: '2.0', id, method: 'openenv/session/create', params: {} } });
    expect((await create(1)).json().result).toBeDefined();
    expect((await create(2)).json().result).toBeDefined();
    expect((await create(3)).json().error.message).toMatch(/MAX_SESSIONS_PER_CLIENT/);
    // The reaper runs every second at the shortest; two passes are plenty.
    await new Promise((r) => setTimeout(r, 2200));
    expect(sessions.expired()).toEqual([]);
    expect((await create(4)).json().result).toBeDefined();
  }, 10_000);
});

describe('WebSocket backpressure', () => {
  it('a client that sends but never reads is closed with 1008 and a reason, before it can hold much memory', async () => {
    const server = await listening({ wsMaxBufferedBytes: 64 * 1024 });
    closers.push(() => server.app.close());
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws');
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    // Stop reading: the kernel buffers fill, then the server's unsent replies pile up.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const frame = JSON.stringify({ type: 'reset', data: { task_id: 'task_hard' } });
    for (let i = 0; i < 4000; i++) ws.send(frame);
    // Reading again lets the close frame (or the reset) through.
    setTimeout(() => (ws as unknown as { _socket: { resume(): void } })._socket.resume(), 1500);
    const result = await closed;
    expect(result.code).toBe(1008);
    // Closed by the unsent-bytes limit or, first, by the limit on frames waiting for their replies.
    expect(result.reason).toMatch(/not reading replies|waiting for replies/);
  }, 20_000);

  it('a client that reads its replies is never cut off', async () => {
    const server = await listening({ wsMaxBufferedBytes: 64 * 1024 });
    closers.push(() => server.app.close());
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws');
    await new Promise((resolve) => ws.once('open', resolve));
    let replies = 0;
    const done = new Promise<void>((resolve) =>
      ws.on('message', () => {
        if (++replies === 200) resolve();
      }),
    );
    for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ type: 'reset', data: { task_id: 'task_hard' } }));
    await done;
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  }, 20_000);
});

describe('seeds are read strictly', () => {
  it('"" and "0x10" are refused with a 422 naming the seed; decimal digits work', async () => {
    const { app } = testApp();
    closers.push(() => app.close());
    for (const bad of ['', '0x10', '1e3', '-1', '4.5']) {
      const r = await app.inject({ method: 'POST', url: `/reset?task_id=generated&seed=${bad}&difficulty=easy` });
      expect(r.statusCode, `seed=${bad}`).toBe(422);
      expect(r.body).toMatch(/seed/);
    }
    const ok = await app.inject({ method: 'POST', url: '/reset?task_id=generated&seed=16&difficulty=easy' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().scenario.seed).toBe(16);
  });
});

describe('cross-site requests', () => {
  it('a page on another site cannot create sessions or step with a text/plain or bodyless POST', async () => {
    const { app } = testApp();
    closers.push(() => app.close());
    const evil = { origin: 'https://evil.example', host: 'localhost:7860' };
    for (const r of [
      await app.inject({ method: 'POST', url: '/session?task_id=task_easy', headers: evil }),
      await app.inject({ method: 'POST', url: '/reset?task_id=task_easy', headers: evil }),
      await app.inject({ method: 'POST', url: '/step', headers: { ...evil, 'content-type': 'text/plain' }, payload: '{"action_type":"no_op","target":""}' }),
    ]) {
      expect(r.statusCode).toBe(403);
      expect(r.json().code).toBe('FORBIDDEN_ORIGIN');
    }
    // The console's own page (same host), clients that send no Origin, and configured origins are served.
    expect((await app.inject({ method: 'POST', url: '/reset?task_id=task_easy', headers: { origin: 'http://localhost:7860', host: 'localhost:7860' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/reset?task_id=task_easy' })).statusCode).toBe(200);
    const { app: open } = testApp({ corsOrigins: ['https://evil.example'] });
    closers.push(() => open.close());
    expect((await open.inject({ method: 'POST', url: '/reset?task_id=task_easy', headers: evil })).statusCode).toBe(200);
  });
});

describe('sessionless requests (the seed dialect without a session id)', () => {
  it("are each client's own: another address neither sees nor steps them", async () => {
    const { app } = testApp();
    closers.push(() => app.close());
    const a = { remoteAddress: '10.1.0.1' };
    const b = { remoteAddress: '10.1.0.2' };
    expect((await app.inject({ method: 'POST', url: '/reset?task_id=task_hard', ...a })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/step', payload: { action_type: 'investigate', target: 'config-service' }, ...a })).statusCode).toBe(200);
    // B has reset nothing: its sessionless state is not A's task_hard episode.
    const theirs = await app.inject({ url: '/state', ...b });
    expect(theirs.statusCode).toBe(409);
    expect(theirs.body).not.toContain('task_hard');
    expect((await app.inject({ method: 'POST', url: '/reset?task_id=task_easy', ...b })).statusCode).toBe(200);
    expect((await app.inject({ url: '/state', ...b })).json()).toMatchObject({ task_id: 'task_easy', step_count: 0 });
    // A's episode is untouched by B.
    expect((await app.inject({ url: '/state', ...a })).json()).toMatchObject({ task_id: 'task_hard', step_count: 1 });
  });
});
