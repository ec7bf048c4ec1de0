import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { safeEqual } from '../../src/server/auth.js';
import { listening, testApp } from '../helpers/server.js';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
const make = (o: Parameters<typeof testApp>[0] = {}) => {
  const built = testApp(o);
  apps.push(built.app);
  return built.app;
};

describe('access control (ENV_AUTH_TOKEN)', () => {
  it('every route but /health needs the bearer token', async () => {
    const app = make({ authToken: 's3cret-token' });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    for (const [method, url] of [['GET', '/tasks'], ['POST', '/reset'], ['GET', '/metrics'], ['GET', '/openapi.json'], ['POST', '/mcp'], ['GET', '/nope']] as const) {
      const none = await app.inject({ method, url });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.json().message).toMatch(/Authorization: Bearer/);
      const wrong = await app.inject({ method, url, headers: { authorization: 'Bearer s3cret-tokeX' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().message).toMatch(/not valid/);
    }
    const ok = await app.inject({ method: 'POST', url: '/reset?task_id=task_easy', headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.statusCode).toBe(200);
  });

  it('the console can work behind a token: its files and CORS preflights pass, its API calls carry the token', async () => {
    const app = make({ authToken: 's3cret-token', corsOrigins: ['https://drills.example'] });
    const page = await app.inject({ url: '/web/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
    const preflight = await app.inject({ method: 'OPTIONS', url: '/session', headers: { origin: 'https://drills.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    expect(preflight.statusCode).toBeLessThan(300);
    expect(String(preflight.headers['access-control-allow-origin'])).toBe('https://drills.example');
    // Data never passes without the token, console or not.
    expect((await app.inject({ method: 'POST', url: '/session?task_id=task_easy' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/web/../tasks' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/session?task_id=task_easy', headers: { authorization: 'Bearer s3cret-token' } })).statusCode).toBe(200);
  });

  it('without a token configured, nothing needs one', async () => {
    expect((await make().inject({ url: '/tasks' })).statusCode).toBe(200);
  });

  it('guards WebSocket upgrades too (header, or access_token for browsers)', async () => {
    const server = await listening({ authToken: 'tok' });
    apps.push(server.app);
    const ws = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const s = new WebSocket(url, { headers });
        s.on('open', () => {
          s.close();
          resolve(101);
        });
        s.on('unexpected-response', (req, res) => {
          req.destroy();
          resolve(res.statusCode ?? 0);
        });
        s.on('error', () => undefined);
      });
    const base = server.url.replace('http', 'ws');
    expect(await ws(`${base}/ws`)).toBe(401);
    expect(await ws(`${base}/ws`, { authorization: 'Bearer nope' })).toBe(401);
    expect(await ws(`${base}/ws`, { authorization: 'Bearer tok' })).toBe(101);
    expect(await ws(`${base}/mcp?access_token=tok`)).toBe(101);
    // Anywhere else a query token is ignored, upgrade header or not.
    const reset = await server.app.inject({ method: 'POST', url: '/reset?access_token=tok', headers: { upgrade: 'websocket', connection: 'upgrade' } });
    expect(reset.statusCode).toBe(401);
    const state = await server.app.inject({ method: 'GET', url: '/state?access_token=tok', headers: { upgrade: 'websocket', connection: 'upgrade' } });
    expect(state.statusCode).toBe(401);
    expect((await fetch(`${server.url}/tasks?access_token=tok`)).status).toBe(401);
  });

  it('compares tokens in constant time regardless of length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('', 'a-much-longer-secret')).toBe(false);
  });
});

describe('responses', () => {
  it('security headers on HTML, a request id on everything', async () => {
    const app = make();
    const docs = await app.inject({ url: '/docs/' });
    expect(docs.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(docs.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['referrer-policy']).toBe('no-referrer');
    const r = await app.inject({ url: '/health' });
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await app.inject({ url: '/health', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
  });

  it('CORS is off by default and configurable', async () => {
    const off = await make().inject({ url: '/tasks', headers: { origin: 'https://evil.example' } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    const on = await make({ corsOrigins: ['https://lab.example'] }).inject({ url: '/tasks', headers: { origin: 'https://lab.example' } });
    expect(on.headers['access-control-allow-origin']).toBe('https://lab.example');
  });

  it('an internal error answers 500 without a stack trace', async () => {
    const app = make();
    app.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.js:42');
    });
    const r = await app.inject({ url: '/boom' });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toMatch(/secret internals|app\.js|at /);
    expect(r.json().code).toBe('INTERNAL_ERROR');
  });
});

describe('sessions belong to their creator', () => {
  it('POST /session makes unguessable ids; another client cannot reach the session', async () => {
    const app = make();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await app.inject({ method: 'POST', url: '/session?task_id=task_hard', remoteAddress: '10.0.0.1' });
      expect(r.statusCode).toBe(200);
      ids.add(r.json().session_id);
    }
    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [id] = [...ids];
    const mine = await app.inject({ url: `/state?session_id=${id}`, remoteAddress: '10.0.0.1' });
    expect(mine.statusCode).toBe(200);
    for (const req of [
      { method: 'GET' as const, url: `/state?session_id=${id}` },
      { method: 'POST' as const, url: `/step?session_id=${id}`, payload: { action_type: 'no_op' } },
      { method: 'POST' as const, url: `/reset?session_id=${id}` },
    ]) {
      const theirs = await app.inject({ ...req, remoteAddress: '10.0.0.2' });
      expect(theirs.body).not.toContain('task_hard');
      if (req.method === 'POST' && req.url.startsWith('/reset')) {
        // A reset cannot take the id over; the id is client-chosen, so this refusal is unavoidable.
        expect(theirs.statusCode).toBe(403);
        continue;
      }
      // Stepping or reading another client's session answers exactly as a session that does not exist.
      const none = await app.inject({ ...req, url: req.url.replace(id!, 'no-such-session-0000000'), remoteAddress: '10.0.0.2' });
      expect(theirs.statusCode).toBe(409);
      expect(theirs.json()).toEqual(none.json());
    }
    expect((await app.inject({ url: `/state?session_id=${id}`, remoteAddress: '10.0.0.1' })).json().step).toBe(0);
  });

  it('MAX_SESSIONS_PER_CLIENT: one client cannot take every session', async () => {
    const app = make({ maxSessionsPerClient: 3 });
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'POST', url: `/reset?session_id=s${i}`, remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
    const over = await app.inject({ method: 'POST', url: '/reset?session_id=s3', remoteAddress: '10.0.0.7' });
    expect(over.statusCode).toBe(429);
    expect(over.json().message).toMatch(/MAX_SESSIONS_PER_CLIENT/);
    expect((await app.inject({ method: 'POST', url: '/reset?session_id=s0', remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/reset?session_id=t0', remoteAddress: '10.0.0.8' })).statusCode).toBe(200);
  });
});

describe('metrics', () => {
  it('GET /metrics exposes sessions, steps, errors by code and latency histograms', async () => {
    const app = make();
    await app.inject({ method: 'POST', url: '/reset?task_id=task_easy&session_id=m1' });
    await app.inject({ method: 'POST', url: '/step?session_id=m1', payload: { action_type: 'no_op' } });
    await app.inject({ method: 'POST', url: '/step?session_id=m1', payload: { action_type: 'fly' } });
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/incident_sessions\{kind="http"\} 1/);
    expect(text).toMatch(/incident_steps_total\{task="task_easy"\} 1/);
    expect(text).toMatch(/incident_errors_total\{transport="http",code="VALIDATION_ERROR"\} 1/);
    expect(text).toMatch(/incident_http_request_duration_seconds_bucket\{.*route="\/step".*\}/);
    expect(text).toMatch(/incident_process_resident_memory_bytes/);
  });
});
