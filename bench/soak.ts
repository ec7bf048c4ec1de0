/**
 * Soak: hundreds of concurrent agents play full episodes over HTTP and WebSocket against one
 * server process for a bounded time; every episode is recorded and replayed in-process.
 * Passes when nothing errored, every trajectory replays identically, and memory after the
 * sessions expire is back near a baseline taken after a warm-up.
 */
import { ruleAgent, randomAgent } from '../src/agents/index.js';
import { createRng } from '../src/domain/generator/rng.js';
import { DIFFICULTIES, TASK_IDS } from '../src/domain/index.js';
import { runEpisodeRemote, type EpisodeSpec, type Trajectory } from '../src/eval/episodes.js';
import { replayTrajectories } from '../src/eval/replay.js';
import { startServerProcess } from './server-process.js';

export interface SoakOptions {
  durationMs: number;
  agents: number;
  ttlSeconds: number;
  sampleEveryMs: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  durationS: number;
  agents: number;
  episodes: number;
  steps: number;
  errors: string[];
  mismatches: string[];
  throughput: { t: number; stepsPerSecond: number; episodesPerSecond: number }[];
  memory: { startRssMb: number; startHeapMb: number; peakRssMb: number; endRssMb: number; endHeapMb: number; sessionsAtEnd: number };
  passed: boolean;
}

const MB = 1024 * 1024;

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => undefined);
  const server = await startServerProcess(
    { SESSION_TTL_SECONDS: String(o.ttlSeconds), GENERATED_CACHE_SIZE: process.env.GENERATED_CACHE_SIZE ?? '128', MAX_SESSIONS: '200000', MAX_SESSIONS_PER_CLIENT: '1000000', MAX_CONCURRENT_ENVS: String(o.agents * 2), GC_BEFORE_METRICS: '1' },
    ['--expose-gc'],
  );
  const heap = (m: Record<string, number>) => (m['incident_nodejs_heap_size_used_bytes'] ?? 0) / MB;
  const rss = (m: Record<string, number>) => (m['incident_process_resident_memory_bytes'] ?? 0) / MB;
  const expiry = () => new Promise((r) => setTimeout(r, (o.ttlSeconds * 1.25 + 3) * 1000));

  const trajectories: Trajectory[] = [];
  const errors: string[] = [];
  let steps = 0;
  let episodes = 0;
  let deadline = 0;
  let record = false;
  const agent = async (i: number) => {
    const rng = createRng(`soak-agent|${i}|${record ? 'main' : 'warm'}`);
    const transport = i % 2 === 0 ? 'ws' : 'http';
    for (let n = 0; Date.now() < deadline; n++) {
      const generated = rng.chance(0.6);
      const spec: EpisodeSpec = generated
        ? { task_id: 'generated', seed: rng.int(0, 1_000_000), difficulty: rng.pick(DIFFICULTIES), split: rng.pick(['train', 'test'] as const), family: null }
        : { task_id: rng.pick(TASK_IDS), seed: rng.int(0, 1000) };
      try {
        const { trajectory } = await runEpisodeRemote(spec, rng.chance(0.8) ? ruleAgent : randomAgent, server.url, transport);
        if (!record) continue;
        trajectories.push(trajectory);
        steps += trajectory.steps.length;
        episodes++;
      } catch (error) {
        errors.push(`agent ${i} (${transport}) episode ${n}: ${(error as Error).message}`);
      }
    }
  };

  // Warm up first (code compiled, caches filled), let those sessions expire, and take the
  // baseline after a full GC: growth measured against it is what the load left behind.
  log(`server up at ${server.url}; warming up`);
  deadline = Date.now() + Math.min(10_000, o.durationMs / 4);
  await Promise.all(Array.from({ length: o.agents }, (_, i) => agent(i)));
  await expiry();
  const m0 = await server.metrics();
  const start = { rss: rss(m0), heap: heap(m0) };
  log(`baseline after warm-up: rss ${start.rss.toFixed(1)} MB, heap ${start.heap.toFixed(1)} MB`);
  record = true;
  deadline = Date.now() + o.durationMs;

  const throughput: SoakReport['throughput'] = [];
  let peakRss = start.rss;
  let lastSteps = 0;
  let lastEpisodes = 0;
  const t0 = Date.now();
  const sampler = setInterval(async () => {
    const t = (Date.now() - t0) / 1000;
    const s = { t: Math.round(t), stepsPerSecond: Math.round((steps - lastSteps) / (o.sampleEveryMs / 1000)), episodesPerSecond: Math.round((episodes - lastEpisodes) / (o.sampleEveryMs / 1000)) };
    lastSteps = steps;
    lastEpisodes = episodes;
    throughput.push(s);
    try {
      peakRss = Math.max(peakRss, rss(await server.metrics()));
    } catch {
      // a busy server may answer late; the next sample will do
    }
    log(`t=${s.t}s  ${s.stepsPerSecond} steps/s  ${s.episodesPerSecond} episodes/s  (total ${episodes} episodes)`);
  }, o.sampleEveryMs);
  await Promise.all(Array.from({ length: o.agents }, (_, i) => agent(i)));
  clearInterval(sampler);
  const durationS = (Date.now() - t0) / 1000;

  // Let every HTTP session expire (TTL plus a sweep), then read memory after a full GC.
  log(`load done: ${episodes} episodes, ${steps} steps in ${durationS.toFixed(1)} s; waiting for sessions to expire`);
  await expiry();
  const m1 = await server.metrics();
  const sessionsAtEnd = ['http', 'ws', 'mcp-ws', 'mcp-http'].reduce((n, k) => n + (m1[`incident_sessions{kind="${k}"}`] ?? 0), 0);
  const end = { rss: rss(m1), heap: heap(m1) };
  const code = await server.stop();
  if (code !== 0) errors.push(`server exited with ${code}`);

  log(`replaying ${trajectories.length} trajectories in-process`);
  const replay = await replayTrajectories(trajectories);
  // After a full GC, the heap must be back near the warm baseline (bounded caches are already full).
  const heapOk = end.heap <= start.heap * 1.15 + 3;
  const passed = errors.length === 0 && replay.mismatches.length === 0 && sessionsAtEnd === 0 && heapOk;
  return {
    durationS,
    agents: o.agents,
    episodes,
    steps,
    errors,
    mismatches: replay.mismatches,
    throughput,
    memory: { startRssMb: start.rss, startHeapMb: start.heap, peakRssMb: peakRss, endRssMb: end.rss, endHeapMb: end.heap, sessionsAtEnd },
    passed,
  };
}

export function soakSummary(r: SoakReport): string {
  return [
    `| agents | duration | episodes | steps | errors | replay mismatches | heap start → end (after GC) | RSS start → peak → end | live sessions at end |`,
    `|---|---|---|---|---|---|---|---|---|`,
    `| ${r.agents} | ${r.durationS.toFixed(0)} s | ${r.episodes} | ${r.steps} | ${r.errors.length} | ${r.mismatches.length} | ${r.memory.startHeapMb.toFixed(1)} → ${r.memory.endHeapMb.toFixed(1)} MB | ${r.memory.startRssMb.toFixed(0)} → ${r.memory.peakRssMb.toFixed(0)} → ${r.memory.endRssMb.toFixed(0)} MB | ${r.memory.sessionsAtEnd} |`,
  ].join('\n');
}
