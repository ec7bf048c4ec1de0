/**
 * HTTP step throughput and latency with autocannon, against the real server and against the
 * raw node:http ceiling answering a body of the same size, measured the same way in the same run.
 */
import autocannon from 'autocannon';
import { startBenchRedis } from './redis.js';
import { freePort, spawnPinned, startServerProcess } from './server-process.js';

export interface HttpRun {
  /**
   * The server with in-memory sessions, the same server on a Redis session store, raw node:http
   * answering same-size bodies (the ceiling), raw node:http doing the same step work (`work`: the
   * floor of any server), or the smallest Fastify server doing it (`framework`).
   */
  target: 'server' | 'redis' | 'ceiling' | 'work' | 'framework';
  /** Seed task (task_hard) steps, or steps of a generated expert incident (bigger observations). */
  workload: 'seed' | 'generated';
  connections: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  bodyBytes: number;
  errors: number;
  non2xx: number;
}

let connectionSeq = 0;

/** Each connection plays its own session: a reset, then steps that keep the episode going (a new session each cycle). */
/** What one connection plays: a reset path and the steps after it. */
interface Workload {
  name: HttpRun['workload'];
  reset: string;
  actions: object[];
}

function requests(workload: Workload, sessions: boolean) {
  // autocannon keeps one context per connection: it carries that connection's session id.
  const withSession = (path: string) => (req: { path?: string }, ctx: { sid?: string }) => {
    if (!sessions) return { ...req, path };
    ctx.sid ??= `bench-${process.pid}-${connectionSeq++}`;
    return { ...req, path: `${path}${path.includes('?') ? '&' : '?'}session_id=${ctx.sid}` };
  };
  return [
    { method: 'POST' as const, path: workload.reset, headers: { 'content-type': 'application/json' }, body: '', setupRequest: withSession(workload.reset) },
    ...workload.actions.map((a) => ({ method: 'POST' as const, path: '/step', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a), setupRequest: withSession('/step') })),
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

const SEED_WORKLOAD: Workload = { name: 'seed', reset: '/reset?task_id=task_hard', actions: STEP_ACTIONS };

/**
 * A generated expert incident (fixed seed, held-out split): log searches and dashboards on its
 * services, as an agent reads them, then waiting; the episode never ends within one cycle.
 */
async function generatedWorkload(url: string): Promise<Workload> {
  const reset = '/reset?task_id=generated&difficulty=expert&split=test&seed=4242';
  const r = await fetch(`${url}${reset}&session_id=bench-probe`, { method: 'POST' });
  const obs = (await r.json()) as { services: { name: string }[] };
  const names = obs.services.map((s) => s.name).slice(0, 6);
  const actions = [
    ...names.map((target, i) => ({ action_type: 'investigate', target, view: i % 2 ? 'metrics' : 'logs' })),
    ...Array.from({ length: 6 }, () => ({ action_type: 'no_op', target: '' })),
  ];
  return { name: 'generated', reset, actions };
}

function cannon(url: string, connections: number, seconds: number, sessionIds: boolean, workload: Workload): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        pipelining: 1,
        requests: requests(workload, sessionIds) as autocannon.Request[],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(target: HttpRun['target'], url: string, connections: number, seconds: number, workload: Workload = SEED_WORKLOAD): Promise<HttpRun> {
  const sessions = target !== 'ceiling';
  await cannon(url, connections, 1, sessions, workload); // warm-up
  const r = await cannon(url, connections, seconds, sessions, workload);
  if (r.non2xx) process.stderr.write(`${target} ${workload.name} ${connections}: replies by status ${JSON.stringify(r.statusCodeStats)}\n`);
  return {
    target,
    workload: workload.name,
    connections,
    requestsPerSecond: r.requests.average,
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    bodyBytes: Math.round(r.throughput.average / Math.max(1, r.requests.average)),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/**
 * autocannon starts each connection's context afresh when its request list wraps, so every cycle
 * (a reset, then the steps) plays a new session: thousands a second. They expire after 20 s, so the
 * store never fills (at the default cap, later runs would be refused).
 */
const SERVER_ENV = { MAX_SESSIONS_PER_CLIENT: '100000', MAX_SESSIONS: '100000', SESSION_TTL_SECONDS: '20', LOG_LEVEL: 'warn' };

/**
 * A bench server (`raw-server`: the ceiling, answering bodies of the given size; `work-server`,
 * `minimal-server`: the same step work without this server's HTTP layer); stopped by the caller.
 */
async function startBenchServer(name: 'raw-server' | 'work-server' | 'minimal-server', bodyBytes = 0): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const compiled = new URL(`./${name}.js`, import.meta.url).pathname;
  const raw = spawnPinned(process.execPath, import.meta.url.endsWith('.ts') ? ['--import', 'tsx', `bench/${name}.ts`] : [compiled], {
    env: { ...process.env, PORT: String(port), BODY_BYTES: String(bodyBytes) },
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/reset?session_id=probe`, { method: 'POST' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, stop: () => raw.kill() };
}

/** Mean reply size of a workload, less the headers: the ceiling answers bodies this big. */
async function replyBytes(url: string, workload: Workload): Promise<number> {
  const probe = await cannon(url, 1, 1, true, workload);
  return Math.round(probe.throughput.average / Math.max(1, probe.requests.average)) - 160;
}

/** The run of a target whose throughput is the median of its rounds (its p99 comes with it). */
function median(runs: HttpRun[]): HttpRun {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * One method for every row: autocannon, keep-alive, each connection its own session, 1 s warm-up,
 * then `seconds` measured. The ceiling is raw node:http answering bodies of the same size, for each
 * workload; the floors do the seed workload's step work without this server's HTTP layer. At 64
 * connections the targets are measured in `rounds` interleaved rounds (this server, the ceiling,
 * the floors, again) and each reports its median round, so a slow minute of a shared machine
 * lands on every target alike rather than on whichever ran during it.
 */
export async function benchHttp(seconds = 4, rounds = 3): Promise<HttpRun[]> {
  const server = await startServerProcess(SERVER_ENV);
  const generated = await generatedWorkload(server.url);
  const seedBytes = await replyBytes(server.url, SEED_WORKLOAD);
  const generatedBytes = await replyBytes(server.url, generated);
  const seedCeiling = await startBenchServer('raw-server', seedBytes);
  const generatedCeiling = await startBenchServer('raw-server', generatedBytes);
  const work = await startBenchServer('work-server');
  const framework = await startBenchServer('minimal-server');
  const targets: [HttpRun['target'], string, Workload][] = [
    ['server', server.url, SEED_WORKLOAD],
    ['ceiling', seedCeiling.url, SEED_WORKLOAD],
    ['work', work.url, SEED_WORKLOAD],
    ['framework', framework.url, SEED_WORKLOAD],
    ['server', server.url, generated],
    ['ceiling', generatedCeiling.url, generated],
  ];
  const runs: HttpRun[] = [];
  for (const [target, url, workload] of targets) runs.push(await measure(target, url, 1, seconds, workload));
  const byTarget = targets.map((): HttpRun[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [target, url, workload]] of targets.entries()) byTarget[i]!.push(await measure(target, url, 64, seconds, workload));
  }
  runs.push(...byTarget.map(median));
  await server.stop();
  for (const s of [seedCeiling, generatedCeiling, work, framework]) s.stop();

  // The same server with its sessions in Redis (one store round-trip to read, one to write per step).
  const redis = await startBenchRedis();
  if (redis) {
    const shared = await startServerProcess({ ...SERVER_ENV, REDIS_URL: redis.url });
    for (const c of [1, 64]) runs.push(await measure('redis', shared.url, c, seconds));
    await shared.stop();
    redis.stop();
  }
  return runs;
}
