/**
 * HTTP step throughput and latency with autocannon, against the real server and against the
 * raw node:http ceiling answering a body of the same size, measured the same way in the same run.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort, startServerProcess } from './server-process.js';

export interface HttpRun {
  target: 'server' | 'ceiling';
  connections: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  bodyBytes: number;
  errors: number;
  non2xx: number;
}

/** Each connection plays its own session: one reset, then steps that keep the episode going. */
function requests(task: string, actions: object[]) {
  return [
    { method: 'POST' as const, path: `/reset?task_id=${task}`, headers: { 'content-type': 'application/json' }, body: '' },
    ...actions.map((a) => ({ method: 'POST' as const, path: '/step', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) })),
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
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        pipelining: 1,
        requests: requests('task_hard', STEP_ACTIONS),
        // A session per connection, so no two connections share an episode.
        setupClient: sessionIds ? (client) => client.setHeaders({ 'content-type': 'application/json', 'x-session-id': `bench-${process.pid}-${n++}` }) : undefined,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(target: HttpRun['target'], url: string, connections: number, seconds: number): Promise<HttpRun> {
  await cannon(url, connections, 1, target === 'server'); // warm-up
  const r = await cannon(url, connections, seconds, target === 'server');
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

  const port = await freePort();
  const ceilingEntry = new URL('./raw-server.js', import.meta.url).pathname;
  const raw = spawn(process.execPath, import.meta.url.endsWith('.ts') ? ['--import', 'tsx', 'bench/raw-server.ts'] : [ceilingEntry], {
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
