/**
 * HTTP step throughput and latency with autocannon, against the real server and against the
 * raw node:http ceiling answering a body of the same size, measured the same way in the same run.
 */
import autocannon from 'autocannon';
import { startBenchRedis } from './redis.js';
import { freePort, spawnPinned, startServerProcess } from './server-process.js';

export interface HttpRun {
  /** The server with in-memory sessions, the same server on a Redis session store, or raw node:http. */
  target: 'server' | 'redis' | 'ceiling';
  connections: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  bodyBytes: number;
  errors: number;
  non2xx: number;
}

let connectionSeq = 0;

/** Each connection plays its own session: one reset, then steps that keep the episode going. */
function requests(task: string, actions: object[], sessions: boolean) {
  // autocannon keeps one context per connection: it carries that connection's session id.
  const withSession = (path: string) => (req: { path?: string }, ctx: { sid?: string }) => {
    if (!sessions) return { ...req, path };
    ctx.sid ??= `bench-${process.pid}-${connectionSeq++}`;
    return { ...req, path: `${path}${path.includes('?') ? '&' : '?'}session_id=${ctx.sid}` };
  };
  return [
    { method: 'POST' as const, path: `/reset?task_id=${task}`, headers: { 'content-type': 'application/json' }, body: '', setupRequest: withSession(`/reset?task_id=${task}`) },
    ...actions.map((a) => ({ method: 'POST' as const, path: '/step', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a), setupRequest: withSession('/step') })),
  ];
}

export const STEP_ACTIONS = [
  { action_type: 'investigate', target: 'api-gateway' },
  { action_type: 'investigate', target: 'auth-service' },
  { action_type: 'investigate', target: 'config-service' },
  { action_type: 'investigate', target: 'user-service' },
  { action_type: 'investigate', target: 'audit-log' },
  { action_type: 'investigate', target: 'redis-cache' },
  { action_type: 'escalate', target: 'backend-team' },
  { action_type: 'no_op', target: '' },
  { action_type: 'no_op', target: '' },
  { action_type: 'no_op', target: '' },
  { action_type: 'no_op', target: '' },
  { action_type: 'no_op', target: '' },
];

function cannon(url: string, connections: number, seconds: number, sessionIds: boolean): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        pipelining: 1,
        requests: requests('task_hard', STEP_ACTIONS, sessionIds) as autocannon.Request[],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(target: HttpRun['target'], url: string, connections: number, seconds: number): Promise<HttpRun> {
  const sessions = target !== 'ceiling';
  await cannon(url, connections, 1, sessions); // warm-up
  const r = await cannon(url, connections, seconds, sessions);
  return {
    target,
    connections,
    requestsPerSecond: r.requests.average,
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    bodyBytes: Math.round(r.throughput.average / Math.max(1, r.requests.average)),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

export async function benchHttp(seconds = 5): Promise<HttpRun[]> {
  const server = await startServerProcess({ MAX_SESSIONS_PER_CLIENT: '100000', LOG_LEVEL: 'warn' });
  const runs: HttpRun[] = [];
  // Size the ceiling's reply like the server's typical step reply.
  const probe = await cannon(server.url, 1, 1, true);
  const bodyBytes = Math.round(probe.throughput.average / Math.max(1, probe.requests.average)) - 160;
  for (const c of [1, 64]) runs.push(await measure('server', server.url, c, seconds));
  await server.stop();

  // The same server with its sessions in Redis (one store round-trip to read, one to write per step).
  const redis = await startBenchRedis();
  if (redis) {
    const shared = await startServerProcess({ MAX_SESSIONS_PER_CLIENT: '100000', LOG_LEVEL: 'warn', REDIS_URL: redis.url });
    for (const c of [1, 64]) runs.push(await measure('redis', shared.url, c, seconds));
    await shared.stop();
    redis.stop();
  }

  const port = await freePort();
  const ceilingEntry = new URL('./raw-server.js', import.meta.url).pathname;
  const raw = spawnPinned(process.execPath, import.meta.url.endsWith('.ts') ? ['--import', 'tsx', 'bench/raw-server.ts'] : [ceilingEntry], {
    env: { ...process.env, PORT: String(port), BODY_BYTES: String(bodyBytes) },
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { method: 'POST', body: '{}' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  for (const c of [1, 64]) runs.push(await measure('ceiling', url, c, seconds));
  raw.kill();
  return runs;
}
