/**
 * Fuzz targets: every HTTP route and every WebSocket and MCP message type, driven with random
 * and adversarial input by fast-check. Shared by the quick sample in `npm test` and by
 * `npm run fuzz` (10,000+ cases per target).
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { TASK_IDS } from '../../src/domain/index.js';
import type { App } from '../../src/server/app.js';
import { openWs, wsUrl, type RawWs } from '../helpers/ws.js';

export interface Stats {
  cases: number;
  ok: number;
  rejected: number;
  serverErrors: number;
  violations: string[];
}

const newStats = (): Stats => ({ cases: 0, ok: 0, rejected: 0, serverErrors: 0, violations: [] });

// ---------------------------------------------------------------- arbitraries

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '%', '%ZZ', '\u0000', '../../etc/passwd', '<script>alert(1)</script>', '__proto__', 'constructor', '-1', '1e309', 'NaN', 'null', '9007199254740993'),
);
const validish = fc.oneof(fc.constantFrom(...TASK_IDS, 'generated', 'easy', 'hard', 'expert', 'train', 'test', 'cache_oom', 'fz', '0', '42'), junk);
const queryKey = fc.oneof(fc.constantFrom('task_id', 'session_id', 'seed', 'difficulty', 'family', 'split', 'episode_id', '__proto__', 'constructor[prototype][x]'), fc.string({ maxLength: 12 }));
const query = fc.dictionary(queryKey, validish, { maxKeys: 6 }).map((q) =>
  Object.entries(q)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&'),
);
const rawQuery = fc.oneof(query, fc.string({ maxLength: 60 }).map((s) => s.replace(/[#\s]/g, '')));

const actionish = fc.record(
  {
    action_type: fc.oneof(fc.constantFrom('investigate', 'escalate', 'apply_fix', 'postmortem', 'no_op'), junk, fc.integer(), fc.constant(null)),
    target: fc.oneof(fc.constantFrom('postgres-db', 'database-team', 'increase_db_connections', 'redis-cache', ''), junk, fc.integer(), fc.constant(null), fc.array(fc.string())),
    details: fc.oneof(fc.string({ maxLength: 200 }), fc.constant(null), fc.integer(), fc.object()),
    metadata: fc.oneof(fc.object(), junk),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

const deep = fc.integer({ min: 10, max: 20_000 }).chain((n) =>
  fc.constantFrom('['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n), `{"action":${'['.repeat(n)}${']'.repeat(n)}}`),
);
const poison = fc.constantFrom(
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"action_type":"no_op","target":"","__proto__":{"polluted":true}}',
  '{"action":{"action_type":"no_op","__proto__":{"polluted":true}}}',
  '{"task_id":"task_easy","__proto__":{"polluted":true}}',
);
const truncated = fc.tuple(fc.jsonValue(), fc.nat()).map(([v, k]) => {
  const s = JSON.stringify({ action_type: 'escalate', target: 'database-team', details: v });
  return s.slice(0, k % Math.max(1, s.length));
});

/** A body: JSON of many shapes, raw text, broken, deep, poisoned, huge, invalid bytes. */
const validAction = fc.constantFrom(
  { action_type: 'investigate', target: 'postgres-db' },
  { action_type: 'investigate', target: 'auth-service' },
  { action_type: 'escalate', target: 'backend-team', details: 'root cause: payment-service' },
  { action_type: 'apply_fix', target: 'scale_up_pods' },
  { action_type: 'no_op', target: '' },
  { action_type: 'postmortem', target: '', details: 'The root cause was postgres-db running out of connections.' },
);

export const body = fc.oneof(
  { weight: 3, arbitrary: validAction.map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: validAction.map((a) => JSON.stringify({ action: a })) },
  { weight: 5, arbitrary: actionish.map((a) => JSON.stringify(a)) },
  { weight: 3, arbitrary: actionish.map((a) => JSON.stringify({ action: a, timeout_s: 5 })) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: truncated },
  { weight: 2, arbitrary: poison },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ action_type: 'postmortem', target: '', details: 'x'.repeat(300_000) })) },
  { weight: 1, arbitrary: fc.constant('') },
);

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', undefined);
const headers = fc.record(
  {
    'content-type': contentType,
    'x-session-id': fc.oneof(fc.constant('fz'), junk),
    authorization: junk,
    'x-request-id': junk,
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', '*', 'bogus'),
  },
  { requiredKeys: [] },
).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined && /^[\t\x20-\x7e]*$/.test(String(v)))) as Record<string, string>);

const request = (method: 'GET' | 'POST', path: string, withBody: boolean) =>
  fc.record({ q: rawQuery, h: headers, b: withBody ? fc.option(body, { nil: undefined }) : fc.constant(undefined) }).map(
    ({ q, h, b }): InjectOptions => ({ method, url: `${path}${q ? `?${q}` : ''}`, headers: h, remoteAddress: '10.9.9.9', ...(b === undefined ? {} : { payload: b }) }),
  );

const rpc = fc.oneof(
  fc.record({
    jsonrpc: fc.oneof(fc.constant('2.0'), junk),
    method: fc.oneof(fc.constantFrom('tools/list', 'tools/call', 'openenv/session/create', 'openenv/session/close', 'initialize', 'ping'), junk),
    params: fc.oneof(
      fc.record({ name: fc.oneof(fc.constantFrom('investigate', 'escalate', 'apply_fix', 'submit_postmortem', 'no_op', 'start_incident', 'view_incident', 'reset'), junk), arguments: fc.oneof(fc.object(), fc.record({ service: validish, team: validish, fix_id: validish, text: fc.string(), task_id: validish, seed: fc.integer() }, { requiredKeys: [] })), session_id: fc.oneof(junk, fc.constant(undefined)) }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
    id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.object()),
  }, { requiredKeys: [] }).map((m) => JSON.stringify(m)),
  body,
);

export const HTTP_TARGETS: Record<string, fc.Arbitrary<InjectOptions>> = {
  'POST /reset': request('POST', '/reset', true),
  'POST /step': request('POST', '/step', true),
  'GET /state': request('GET', '/state', false),
  'POST /session': request('POST', '/session', true),
  'GET /tasks': request('GET', '/tasks', false),
  'GET /': request('GET', '/', false),
  'GET /health': request('GET', '/health', false),
  'GET /metadata': request('GET', '/metadata', false),
  'GET /schema': request('GET', '/schema', false),
  'GET /openapi.json': request('GET', '/openapi.json', false),
  'GET /metrics': request('GET', '/metrics', false),
  'POST /mcp': fc.record({ q: rawQuery, h: headers, b: rpc }).map(({ q, h, b }): InjectOptions => ({ method: 'POST', url: `/mcp${q ? `?${q}` : ''}`, headers: h, payload: b })),
  'any method, any path': fc
    .record({ m: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), p: fc.oneof(fc.constantFrom('/reset', '/step', '/state', '/mcp', '/ws', '/docs', '/docs/json', '/web', '/%', '/..%2f..%2f', '//', '/tasks/../state'), fc.webPath()), h: headers, b: fc.option(body, { nil: undefined }) })
    .map(({ m, p, h, b }): InjectOptions => ({ method: m as InjectOptions['method'], url: p.startsWith('/') ? p : `/${p}`, headers: h, ...(b === undefined || m === 'GET' || m === 'HEAD' ? {} : { payload: b }) })),
};

// ---------------------------------------------------------------- invariants

const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).join(',');
const PROTO = protoKeys();

function polluted(): string | null {
  if (({} as Record<string, unknown>).polluted !== undefined) return 'Object.prototype.polluted is set';
  if (protoKeys() !== PROTO) return 'Object.prototype gained keys';
  return null;
}

/** The state a rejected request must leave untouched. */
async function snapshot(app: App): Promise<string> {
  const parts: string[] = [];
  // The sessions prepare() made: one with an id, and the sessionless ones of the injecting address.
  for (const key of ['id:fz', 'default:127.0.0.1|task_easy', 'default:127.0.0.1|task_hard']) parts.push((await app.envs.has(key)) ? JSON.stringify(await app.envs.state(key)) : '-');
  return parts.join('\n');
}

export async function prepare(app: App): Promise<void> {
  await app.app.inject({ method: 'POST', url: '/reset?task_id=task_easy&session_id=fz', remoteAddress: '10.9.9.9' });
  await app.app.inject({ method: 'POST', url: '/step?session_id=fz', payload: { action_type: 'investigate', target: 'postgres-db' }, remoteAddress: '10.9.9.9' });
  await app.app.inject({ method: 'POST', url: '/reset?task_id=task_easy' });
  await app.app.inject({ method: 'POST', url: '/reset?task_id=task_hard' });
}

export async function fuzzHttp(app: App, name: string, runs: number, seed?: number): Promise<Stats> {
  const stats = newStats();
  await fc.assert(
    fc.asyncProperty(HTTP_TARGETS[name]!, async (req) => {
      stats.cases++;
      const before = await snapshot(app);
      const res = await app.app.inject(req);
      const fail = (why: string) => {
        stats.violations.push(`${why}: ${req.method} ${String(req.url).slice(0, 120)} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
        return false;
      };
      if (res.statusCode >= 500) {
        stats.serverErrors++;
        return fail('5xx');
      }
      const p = polluted();
      if (p) return fail(p);
      if (res.statusCode >= 400) {
        stats.rejected++;
        if (req.method === 'HEAD') return (await snapshot(app)) === before || fail('a rejected request changed state');
        let parsed: { message?: unknown; jsonrpc?: unknown; error?: { message?: unknown } } | null = null;
        try {
          parsed = JSON.parse(res.body);
        } catch {
          return fail('rejection without a JSON body');
        }
        // MCP Streamable HTTP refuses with a JSON-RPC error object (its message names the problem).
        const message = parsed?.jsonrpc === '2.0' ? parsed.error?.message : parsed?.message;
        if (typeof message !== 'string' || message.length === 0) return fail('rejection without a message');
        if ((await snapshot(app)) !== before) return fail('a rejected request changed state');
      } else {
        stats.ok++;
        if (name === 'POST /mcp') {
          const rpcReply = JSON.parse(res.body) as { jsonrpc?: string; error?: { message?: unknown } };
          if (rpcReply.jsonrpc !== '2.0') return fail('MCP reply is not JSON-RPC');
          if (rpcReply.error && typeof rpcReply.error.message !== 'string') return fail('JSON-RPC error without a message');
        }
      }
      return true;
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true },
  ).catch(() => undefined);
  return stats;
}

// ---------------------------------------------------------------- WebSocket

const wsFrame = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.oneof(fc.constantFrom('reset', 'step', 'state', 'mcp'), junk), data: fc.oneof(actionish, fc.jsonValue({ maxDepth: 3 }), fc.record({ task_id: validish, seed: fc.oneof(fc.integer(), junk), difficulty: validish, split: validish })) }, { requiredKeys: [] }).map((f) => JSON.stringify(f)) },
  { weight: 2, arbitrary: actionish.map((a) => JSON.stringify({ type: 'step', data: a })) },
  { weight: 1, arbitrary: rpc.map((r) => `{"type":"mcp","data":${typeof r === 'string' && r.startsWith('{') ? r : '{}'}}`) },
  { weight: 1, arbitrary: fc.oneof(junk, truncated, poison, deep) },
);

export async function fuzzWs(url: string, path: '/ws' | '/mcp', runs: number, seed?: number): Promise<Stats> {
  const stats = newStats();
  let c: RawWs | null = null;
  const fresh = async () => {
    c?.socket.terminate();
    c = await openWs(wsUrl(url, path));
    if (path === '/ws') {
      c.send({ type: 'reset', data: { task_id: 'task_easy' } });
      await c.next();
    }
  };
  await fresh();
  const stateOf = async () => {
    c!.send({ type: 'state' });
    return JSON.stringify((await c!.next()).data);
  };
  await fc.assert(
    fc.asyncProperty(path === '/ws' ? wsFrame : rpc, async (frame) => {
      stats.cases++;
      const fail = (why: string) => {
        stats.violations.push(`${why}: ${String(frame).slice(0, 150)}`);
        return false;
      };
      const before = path === '/ws' ? await stateOf() : '';
      c!.socket.send(frame);
      let reply: any;
      try {
        reply = await c!.next(5000);
      } catch {
        if (c!.socket.readyState !== c!.socket.OPEN) {
          stats.rejected++;
          await fresh();
          return true;
        }
        return fail('no reply');
      }
      const p = polluted();
      if (p) return fail(p);
      if (path === '/mcp') {
        if (reply.jsonrpc !== '2.0') return fail('not a JSON-RPC reply');
        if (reply.error) stats.rejected++;
        else stats.ok++;
        return true;
      }
      if (reply.type === 'error') {
        stats.rejected++;
        if (typeof reply.data?.message !== 'string' || !reply.data.message) return fail('error without a message');
        if (!['INVALID_JSON', 'UNKNOWN_TYPE', 'VALIDATION_ERROR', 'EXECUTION_ERROR', 'SESSION_ERROR'].includes(reply.data.code)) return fail(`unexpected code ${reply.data.code}`);
        if (reply.data.code === 'SESSION_ERROR') {
          await c!.closed;
          await fresh();
          return true;
        }
        if ((await stateOf()) !== before) return fail('a rejected message changed state');
      } else {
        stats.ok++;
        if (!['observation', 'state', 'mcp'].includes(reply.type)) return fail(`unexpected reply type ${reply.type}`);
      }
      return true;
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true },
  ).catch(() => undefined);
  (c as RawWs | null)?.socket.close();
  return stats;
}
