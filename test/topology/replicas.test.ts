/**
 * A real topology: Debian's redis-server and nginx, three server processes sharing sessions in
 * Redis behind nginx round-robin (no stickiness), and concurrent agents playing through nginx.
 * Every episode's trajectory must equal an in-process replay, byte for byte. Mid-run, one replica
 * is killed and restarted (no HTTP session may be lost; requests in flight may fail with a
 * retryable error, which the client retries with the same Idempotency-Key), and Redis is stopped
 * and restarted (requests get 503 with Retry-After; the servers stay up and recover).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleAgent } from '../../src/agents/rule.js';
import { runEpisode } from '../../src/agents/run.js';
import { generatedTask, type Action, type Difficulty, type Observation } from '../../src/domain/index.js';
import { runInProcess } from '../../src/eval/in-process.js';
import { freePort, requireBinaries, startRedis, waitFor, type TestRedis } from '../helpers/redis.js';
import { TSX } from '../helpers/spawn.js';

const needs = requireBinaries('redis-server', 'redis-cli', 'nginx');
const REPLICAS = 3;

interface Replica {
  port: number;
  proc: ChildProcess | null;
  log: string;
}

let dir = '';
let redis: TestRedis;
let nginx: ChildProcess | null = null;
let proxy = '';
const replicas: Replica[] = [];

function startReplica(r: Replica, redisUrl: string): void {
  const proc = spawn(TSX, ['src/server/main.ts'], {
    env: { ...process.env, PORT: String(r.port), HOST: '127.0.0.1', REDIS_URL: redisUrl, REDIS_TIMEOUT_MS: '300', LOG_LEVEL: 'warn', TRUST_PROXY: '1', MAX_SESSIONS_PER_CLIENT: '10000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => (r.log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (r.log += d.toString()));
  r.proc = proc;
}

const healthy = (port: number) => fetch(`http://127.0.0.1:${port}/health`).then((res) => res.ok);

async function killReplica(r: Replica): Promise<void> {
  const p = r.proc;
  r.proc = null;
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

function nginxConf(port: number): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream replicas {
${replicas.map((r) => `    server 127.0.0.1:${r.port} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 1s;
    }
  }
}
`;
}

/** Statuses and failures a client may retry: the proxy lost the upstream, or the store was away. */
const RETRYABLE = new Set([502, 503, 504]);

interface Outcome {
  status: number;
  body: any;
}

/** One JSON request through nginx, retried (same body, same headers) while it fails in a retryable way. */
async function call(method: string, path: string, body: unknown, headers: Record<string, string>, seen: { retryAfter: number; retried: number }): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${proxy}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      if (RETRYABLE.has(res.status) && attempt < 100) {
        if (res.status === 503 && res.headers.get('retry-after')) seen.retryAfter++;
        seen.retried++;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch (error) {
      if (attempt >= 100) throw error;
      seen.retried++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Played {
  actions: Action[];
  rewards: number[];
  state: any;
}

/** The rule agent plays one generated incident over HTTP through nginx (OpenEnv dialect, an explicit session). */
async function playHttp(seed: number, difficulty: Difficulty, seen: { retryAfter: number; retried: number }, pause: () => Promise<void>): Promise<Played> {
  const sid = `topo-${difficulty}-${seed}`;
  const policy = ruleAgent.create({ seed, peekState: () => null as never });
  const reset = await call('POST', `/reset?session_id=${sid}`, { task_id: 'generated', seed, difficulty, split: 'test' }, {}, seen);
  expect(reset.status, JSON.stringify(reset.body)).toBe(200);
  // The one episode loop, over nginx: each step carries an Idempotency-Key, so a retried one applies once.
  let n = 0;
  const env = {
    async step(action: Action) {
      await pause();
      const res = await call('POST', `/step?session_id=${sid}`, { action }, { 'idempotency-key': `${sid}#${n++}` }, seen);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { observation: res.body.observation as Observation, reward: res.body.reward as number, reason: null, done: res.body.done as boolean };
    },
  };
  const run = await runEpisode(env, policy, reset.body.observation as Observation);
  const actions = run.steps.map((s) => s.action);
  const rewards = run.steps.map((s) => s.reward);
  const state = await call('GET', `/state?session_id=${sid}`, undefined, {}, seen);
  expect(state.status).toBe(200);
  const { session_id: _s, ...rest } = state.body;
  return { actions, rewards, state: rest };
}

async function replay(seed: number, difficulty: Difficulty): Promise<Played> {
  const run = await runInProcess(generatedTask({ seed, difficulty, split: 'test', family: null }), ruleAgent, seed);
  return { actions: run.steps.map((s) => s.action), rewards: run.steps.map((s) => s.reward), state: JSON.parse(JSON.stringify(run.final)) };
}

describe.skipIf(needs.skip)('three replicas behind nginx on one Redis', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topology-'));
    redis = await startRedis({ persist: true });
    for (let i = 0; i < REPLICAS; i++) replicas.push({ port: await freePort(), proc: null, log: '' });
    for (const r of replicas) startReplica(r, redis.url);
    await Promise.all(replicas.map((r) => waitFor(() => healthy(r.port), 60_000, `replica on ${r.port}`)));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(port));
    nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    proxy = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${proxy}/health`).then((r) => r.ok), 10_000, 'nginx');
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await Promise.all(replicas.map(killReplica));
    await redis?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('spreads requests over every replica with no stickiness', async () => {
    const seen = { retryAfter: 0, retried: 0 };
    await call('POST', '/reset?session_id=spread', { task_id: 'task_easy' }, {}, seen);
    for (let i = 0; i < 12; i++) expect((await fetch(`${proxy}/state?session_id=spread`)).status).toBe(200);
    // Every replica answered some of them: each keeps its own request counter in /metrics.
    const counts = await Promise.all(replicas.map((r) => fetch(`http://127.0.0.1:${r.port}/metrics`).then((m) => m.text())));
    for (const text of counts) expect(text).toMatch(/incident_http_request_duration_seconds_count\{method="GET",route="\/state",status="200"\} [1-9]/);
  });

  it('concurrent agents play through nginx while a replica is killed and restarted and Redis goes away and comes back: every trajectory equals its in-process replay', async () => {
    const seen = { retryAfter: 0, retried: 0 };
    const episodes: { seed: number; difficulty: Difficulty }[] = [];
    const ladder: Difficulty[] = ['easy', 'medium', 'hard', 'expert'];
    for (let i = 0; i < 48; i++) episodes.push({ seed: 31_000 + i, difficulty: ladder[i % 4]! });
    // Faults are injected while the agents are mid-episode, timed by the steps taken so far; while the
    // killed replica boots, the agents wait between steps (so they are still mid-episode when Redis goes).
    let stepsTaken = 0;
    let stepsAtOutage = 0;
    let gate: Promise<void> = Promise.resolve();
    const pause = async () => {
      await gate;
      stepsTaken++;
    };
    const chaos = (async () => {
      await waitFor(async () => stepsTaken > 40, 60_000, 'agents to get going');
      // A replica dies mid-run and comes back.
      await killReplica(replicas[1]!);
      const killedAt = stepsTaken;
      await waitFor(async () => stepsTaken > killedAt + 40, 60_000, 'steps on the two remaining replicas');
      let open = () => {};
      gate = new Promise((r) => (open = r));
      startReplica(replicas[1]!, redis.url);
      await waitFor(() => healthy(replicas[1]!.port), 60_000, 'the restarted replica');
      open();
      // Redis goes away for a while; requests meanwhile get 503 with Retry-After.
      const restartedAt = stepsTaken;
      await waitFor(async () => stepsTaken > restartedAt + 20, 60_000, 'steps on all three again');
      stepsAtOutage = stepsTaken;
      await redis.stop();
      const down = await fetch(`http://127.0.0.1:${replicas[0]!.port}/state?session_id=topo-easy-31000`);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('1');
      expect(((await down.json()) as { message: string }).message).toMatch(/session store unavailable/);
      await new Promise((r) => setTimeout(r, 1500));
      await redis.start();
    })();
    const played = await runLimited(episodes, 8, (e) => playHttp(e.seed, e.difficulty, seen, pause));
    await chaos;
    // Every fault struck mid-run: steps were still being taken after Redis came back.
    expect(stepsAtOutage).toBeGreaterThan(0);
    expect(stepsTaken).toBeGreaterThan(stepsAtOutage + 10);
    for (const [i, e] of episodes.entries()) {
      const reference = await replay(e.seed, e.difficulty);
      expect(played[i]!.actions, `${e.difficulty} ${e.seed}`).toEqual(reference.actions);
      expect(played[i]!.rewards).toEqual(reference.rewards);
      expect(JSON.stringify(played[i]!.state)).toBe(JSON.stringify(reference.state));
    }
    expect(seen.retried).toBeGreaterThan(0);
    expect(seen.retryAfter).toBeGreaterThan(0);
    // No replica crashed: every one is still up (the killed one was restarted), none logged a fatal error.
    for (const r of replicas) {
      expect(r.proc?.exitCode ?? null, r.log).toBeNull();
      expect(await healthy(r.port)).toBe(true);
      expect(r.log).not.toMatch(/"level":(50|60)/);
    }
  }, 240_000);

  it('MCP over HTTP (OpenEnv JSON-RPC): a session created on one replica is played on the others and closed from any', async () => {
    const seen = { retryAfter: 0, retried: 0 };
    const rpc = async (method: string, params: Record<string, unknown>) => (await call('POST', '/mcp', { jsonrpc: '2.0', id: 1, method, params }, { accept: 'application/json' }, seen)).body;
    const created = await rpc('openenv/session/create', { task_id: 'task_easy' });
    const sid = created.result.session_id as string;
    for (const [name, args] of [
      ['investigate', { service: 'postgres-db' }],
      ['investigate', { service: 'auth-service' }],
    ] as const) {
      const res = await rpc('tools/call', { name, arguments: args, session_id: sid });
      expect(res.result.isError, JSON.stringify(res)).toBe(false);
    }
    // Each replica sees the same episode.
    const views = await Promise.all(replicas.map((r) => fetch(`http://127.0.0.1:${r.port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'view_incident', arguments: {}, session_id: sid } }) }).then((r) => r.json() as Promise<any>)));
    const steps = views.map((v) => JSON.parse(v.result.content[0].text).observation.step);
    expect(steps).toEqual([2, 2, 2]);
    const closed = await rpc('openenv/session/close', { session_id: sid });
    expect(closed.result.closed).toBe(true);
    const after = await rpc('tools/call', { name: 'view_incident', arguments: {}, session_id: sid });
    expect(after.error.message).toMatch(/Unknown session_id/);
  });

  it('MCP Streamable HTTP (the official SDK client): a session initialised on one replica is served by every replica, and plays to the in-process result', async () => {
    const client = new Client({ name: 'topology-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${proxy}/mcp`));
    await client.connect(transport);
    expect(transport.sessionId).toBeTruthy();
    type Data = { observation: Observation; done: boolean; score?: number };
    const tool = async (name: string, args: Record<string, unknown>) => {
      const r = await client.callTool({ name, arguments: args });
      expect(r.isError, JSON.stringify(r.content)).toBe(false);
      return r.structuredContent as unknown as Data;
    };
    const seed = 31_500;
    let data = await tool('start_incident', { task_id: 'generated', seed, difficulty: 'hard', split: 'test' });
    const policy = ruleAgent.create({ seed, peekState: () => null as never });
    const actions: Action[] = [];
    for (let i = 0; !data.done && i < 60; i++) {
      const a = await policy.act(data.observation);
      actions.push(a);
      const [name, args] =
        a.action_type === 'investigate' ? ['investigate', { service: a.target, ...(a.view ? { view: a.view } : {}) }] : a.action_type === 'escalate' ? ['escalate', { team: a.target, ...(a.details ? { details: a.details } : {}) }] : a.action_type === 'apply_fix' ? ['apply_fix', { fix_id: a.target, ...(a.details ? { details: a.details } : {}) }] : a.action_type === 'postmortem' ? ['submit_postmortem', { text: a.details || a.target }] : ['no_op', {}];
      data = await tool(name as string, args as Record<string, unknown>);
    }
    const reference = await replay(seed, 'hard');
    expect(actions).toEqual(reference.actions);
    expect(data.score).toBe(reference.state.score);
    // Every replica answers this session, whichever one initialised it.
    for (const r of replicas) {
      const res = await fetch(`http://127.0.0.1:${r.port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'view_incident', arguments: {} } }),
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(((await res.json()) as any).result.content[0].text).done).toBe(true);
    }
    await transport.terminateSession();
    const gone = await fetch(`${proxy}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': transport.sessionId ?? 'x' }, body: JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/list', params: {} }) });
    expect([404, 400]).toContain(gone.status);
    await client.close();
  });

  it('two replicas stepping one session at once: exactly one applies, the other gets 409 and changes nothing', async () => {
    const seen = { retryAfter: 0, retried: 0 };
    await call('POST', '/reset?session_id=race', { task_id: 'task_easy' }, {}, seen);
    let conflicts = 0;
    for (let round = 0; round < 10; round++) {
      const before = (await call('GET', '/state?session_id=race', undefined, {}, seen)).body.step_count as number;
      const racing = await Promise.all(
        replicas.slice(0, 2).map((r) => fetch(`http://127.0.0.1:${r.port}/step?session_id=race`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: { action_type: 'investigate', target: 'postgres-db' } }) }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }))),
      );
      const after = (await call('GET', '/state?session_id=race', undefined, {}, seen)).body.step_count as number;
      const applied = racing.filter((r) => r.status === 200).length;
      // Each applied step shows in the state; a refused one left nothing behind.
      expect(after - before).toBe(applied);
      for (const r of racing.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(409);
        expect(r.body.code).toBe('CONFLICT');
        conflicts++;
      }
      if (after >= 8) await call('POST', '/reset?session_id=race', { task_id: 'task_easy' }, {}, seen);
    }
    // Not every round overlaps; what must hold is above: no round applied a step twice or lost one.
    void conflicts;
  });
});

async function runLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

// Keep the nginx error log reachable when a run fails.
export const nginxErrors = () => (dir ? readFileSync(join(dir, 'nginx-error.log'), 'utf8') : '');

describe.skipIf(needs.skip)('the sample deployment files', () => {
  it('deploy/nginx.conf is a configuration nginx accepts (replica hosts pointed at loopback)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'nginx-sample-'));
    try {
      const port = await freePort();
      const conf = readFileSync('deploy/nginx.conf', 'utf8')
        .replace(/replica-\d:7860/g, '127.0.0.1:7860')
        .replace('listen 80;', `listen 127.0.0.1:${port};`)
        .replace('worker_processes auto;', `worker_processes 1;\npid ${tmp}/nginx.pid;\nerror_log ${tmp}/error.log;`)
        .replace('http {', `http {\n  client_body_temp_path ${tmp}/body;\n  proxy_temp_path ${tmp}/proxy;\n  fastcgi_temp_path ${tmp}/fastcgi;\n  uwsgi_temp_path ${tmp}/uwsgi;\n  scgi_temp_path ${tmp}/scgi;\n  access_log off;`);
      writeFileSync(join(tmp, 'nginx.conf'), conf);
      const check = spawnSync('nginx', ['-t', '-p', tmp, '-c', join(tmp, 'nginx.conf')], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      expect(check.stderr).toMatch(/syntax is ok/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
