/**
 * `npm run bench`: every measurement in one run, on loopback, bounded in time, next to the
 * platform ceiling measured the same way. Writes bench/results/latest.json and latest.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchHttp, type HttpRun } from './http.js';
import { benchInProcess } from './inprocess.js';
import { benchLongEpisode } from './long-episode.js';
import { benchMemory } from './memory.js';
import { hasTaskset } from './server-process.js';
import { runSoak } from './soak.js';
import { benchWs } from './ws.js';

const t0 = Date.now();
const log = (s: string) => process.stderr.write(`${s}\n`);
const pinned = os.cpus().length >= 2 && hasTaskset();
if (pinned) {
  // Server processes on core 0, this load generator on core 1 (as the platform measurements were taken).
  process.env.BENCH_SERVER_CPU = '0';
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

log('in-process ...');
const inProcess = benchInProcess(1000);
log('long episode ...');
const longEpisode = benchLongEpisode(30);
log('HTTP ...');
const http = await benchHttp(4, 3);
log('WebSocket ...');
const ws = await benchWs(5);
log('memory ...');
const memory = await benchMemory(10_000, 2_000);
log('60 s mixed soak ...');
delete process.env.BENCH_SERVER_CPU; // the soak uses both cores as a real deployment would
const soak = await runSoak({ durationMs: 60_000, agents: 64, ttlSeconds: 5, sampleEveryMs: 10_000, log });

const find = (target: HttpRun['target'], c: number, workload: HttpRun['workload'] = 'seed') => http.find((r) => r.target === target && r.connections === c && r.workload === workload)!;
const srv64 = find('server', 64);
const raw64 = find('ceiling', 64);
const gen64 = find('server', 64, 'generated');
const genRaw64 = find('ceiling', 64, 'generated');
const work64 = find('work', 64);
const framework64 = find('framework', 64);
const ws64 = ws.find((r) => r.connections === 64)!;
const seedMin = Math.min(...inProcess.filter((r) => r.task.startsWith('task_')).map((r) => r.stepsPerSecond));
const generatedMin = Math.min(...inProcess.filter((r) => r.task.startsWith('generated')).map((r) => r.stepsPerSecond));
const targets = [
  { target: 'HTTP seed-task steps ≥ 85% of raw node:http at 64 clients', value: srv64.requestsPerSecond / raw64.requestsPerSecond, pass: srv64.requestsPerSecond / raw64.requestsPerSecond >= 0.85, show: (v: number) => `${(v * 100).toFixed(0)}%` },
  { target: 'floor: raw node:http doing the same step work (no framework, validation, store or metrics), share of raw node:http at 64 clients', value: work64.requestsPerSecond / raw64.requestsPerSecond, pass: true, show: (v: number) => `${(v * 100).toFixed(0)}% (reported)` },
  { target: 'floor: the smallest Fastify server doing the same step work, share of raw node:http at 64 clients', value: framework64.requestsPerSecond / raw64.requestsPerSecond, pass: true, show: (v: number) => `${(v * 100).toFixed(0)}% (reported)` },
  { target: 'HTTP generated-incident steps, share of raw node:http at 64 clients (same reply size)', value: gen64.requestsPerSecond / genRaw64.requestsPerSecond, pass: true, show: (v: number) => `${(v * 100).toFixed(0)}% (reported)` },
  { target: 'WebSocket step throughput ≥ 1.5× HTTP (64 connections)', value: ws64.roundTripsPerSecond / srv64.requestsPerSecond, pass: ws64.roundTripsPerSecond / srv64.requestsPerSecond >= 1.5, show: (v: number) => `${v.toFixed(2)}×` },
  { target: 'in-process ≥ 200,000 steps/s on seed tasks (slowest task)', value: seedMin, pass: seedMin >= 200_000, show: (v: number) => Math.round(v).toLocaleString('en-US') },
  { target: 'in-process ≥ 100,000 steps/s on generated incidents (slowest difficulty)', value: generatedMin, pass: generatedMin >= 100_000, show: (v: number) => Math.round(v).toLocaleString('en-US') },
  { target: 'generated incidents within 3× of the seed tasks in-process (slowest of each)', value: seedMin / generatedMin, pass: seedMin / generatedMin <= 3, show: (v: number) => `${v.toFixed(2)}×` },
  { target: 'long hostile episode (100 requests): the last request costs ≤ 1.5× the first (worst task)', value: Math.max(...longEpisode.map((r) => r.ratio)), pass: longEpisode.every((r) => r.ratio <= 1.5), show: (v: number) => `${v.toFixed(2)}×` },
  { target: '≤ 20 KB per idle session (heap, 10,000 sessions)', value: memory.kbPerSessionHeap, pass: memory.kbPerSessionHeap <= 20, show: (v: number) => `${v.toFixed(1)} KB` },
  { target: 'p99 step latency at 64 clients within 2× of the ceiling p99', value: srv64.p99ms / Math.max(1, raw64.p99ms), pass: srv64.p99ms <= 2 * Math.max(1, raw64.p99ms), show: (v: number) => `${v.toFixed(2)}×` },
  { target: 'floor: p99 of raw node:http doing the same step work, against the ceiling p99', value: work64.p99ms / Math.max(1, raw64.p99ms), pass: true, show: (v: number) => `${v.toFixed(2)}× (reported)` },
  { target: 'soak: no errors, identical replays, sessions gone and heap back after expiry', value: soak.passed ? 1 : 0, pass: soak.passed, show: (v: number) => (v ? 'yes' : 'no') },
];

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const SERVER_NAMES: Record<HttpRun['target'], string> = {
  server: 'this server',
  redis: 'this server, sessions in Redis (REDIS_URL)',
  ceiling: 'raw node:http ceiling, same reply size',
  work: 'floor: raw node:http doing the same step work',
  framework: 'floor: smallest Fastify server doing the same step work',
};
const md = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${pinned ? '; servers pinned to core 0, load generator to core 1' : ''}. Loopback only.`,
  '',
  '| target | measured | met |',
  '|---|---|---|',
  ...targets.map((t) => `| ${t.target} | ${t.show(t.value)} | ${t.pass ? 'yes' : '**no**'} |`),
  '',
  '**In-process** (compiled core, one thread; each row the median of three rounds)',
  '',
  '| task | steps/s | resets/s | generation |',
  '|---|---|---|---|',
  ...inProcess.map((r) => `| ${r.task} | ${n(r.stepsPerSecond)} | ${n(r.resetsPerSecond)} | ${r.generationMs === undefined ? '—' : `${r.generationMs.toFixed(2)} ms/scenario`} |`),
  '',
  '**Long hostile episode** (in-process, median of 30: a look, three notes of 20,000 characters of service names and semicolons, looks until the episode ends, then steps and state reads after the end; each request is a step plus a state read)',
  '',
  '| task | requests | first | last | last / first | slowest (a note being read) |',
  '|---|---|---|---|---|---|',
  ...longEpisode.map((r) => `| ${r.task} | ${r.requests} | ${r.firstUs.toFixed(0)} µs | ${r.lastUs.toFixed(0)} µs | ${r.ratio.toFixed(2)}× | ${(r.slowestUs / 1000).toFixed(1)} ms |`),
  '',
  '**HTTP** (one method for every row: autocannon, keep-alive, each connection plays its own session — a reset, then twelve steps, again — for 4 s after a 1 s warm-up, at 64 connections the median of three rounds interleaved across the targets; the ceiling is raw node:http answering bodies of the same size, measured the same way; the two floors do the same domain step and reply JSON without this server\'s HTTP layer)',
  '',
  '| server | workload | connections | req/s | p50 | p99 | reply bytes | errors |',
  '|---|---|---|---|---|---|---|---|',
  ...http.map((r) => `| ${SERVER_NAMES[r.target]} | ${r.workload === 'seed' ? 'task_hard steps' : 'generated expert steps'} | ${r.connections} | ${n(r.requestsPerSecond)} | ${r.p50ms} ms | ${r.p99ms} ms | ${r.bodyBytes} | ${r.errors + r.non2xx} |`),
  '',
  '**WebSocket /ws** (sequential step round-trips per connection)',
  '',
  '| connections | round-trips/s | p50 | p99 |',
  '|---|---|---|---|',
  ...ws.map((r) => `| ${r.connections} | ${n(r.roundTripsPerSecond)} | ${r.p50ms.toFixed(2)} ms | ${r.p99ms.toFixed(2)} ms |`),
  '',
  `**Memory** (after a full GC): ${memory.kbPerSessionHeap.toFixed(1)} KB heap / ${memory.kbPerSessionRss.toFixed(1)} KB RSS per idle HTTP session at ${n(memory.sessions)} sessions; ${memory.kbPerWebSocketRss.toFixed(1)} KB RSS / ${memory.kbPerWebSocketHeap.toFixed(1)} KB heap per idle WebSocket at ${n(memory.websockets)} connections.`,
  '',
  `**60 s mixed soak** (${soak.agents} agents, half HTTP, half WebSocket, rule and random agents, seed and generated tasks): ${n(soak.episodes)} episodes, ${n(soak.steps)} steps, ${soak.errors.length} errors, ${soak.mismatches.length} replay mismatches; steps/s over time ${soak.throughput.map((t) => `${t.t}s:${n(t.stepsPerSecond)}`).join(', ')}; heap ${soak.memory.startHeapMb.toFixed(1)} → ${soak.memory.endHeapMb.toFixed(1)} MB after GC, RSS ${soak.memory.startRssMb.toFixed(0)} → peak ${soak.memory.peakRssMb.toFixed(0)} → ${soak.memory.endRssMb.toFixed(0)} MB.`,
  '',
  `Total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
].join('\n');

mkdirSync(new URL('../../bench/results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../../bench/results/latest.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, pinned, targets: targets.map(({ show: _s, ...t }) => t), inProcess, longEpisode, http, ws, memory, soak }, null, 2)}\n`);
writeFileSync(new URL('../../bench/results/latest.md', import.meta.url), `${md}\n`);
console.log(md);
