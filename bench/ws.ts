/** WebSocket /ws step round-trips per second and latency, with 1 and 64 connections. */
import WebSocket from 'ws';
import { STEP_ACTIONS } from './http.js';
import { startServerProcess } from './server-process.js';

export interface WsRun {
  connections: number;
  roundTripsPerSecond: number;
  p50ms: number;
  p99ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function loop(url: string, until: number, record: (ms: number) => void): Promise<void> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const frames = STEP_ACTIONS.map((a) => JSON.stringify({ type: 'step', data: a }));
  const reset = JSON.stringify({ type: 'reset', data: { task_id: 'task_hard' } });
  let pending: ((data: string) => void) | null = null;
  ws.on('message', (d) => pending?.(d.toString()));
  const ask = (frame: string) =>
    new Promise<string>((resolve) => {
      pending = resolve;
      ws.send(frame);
    });
  let i = 0;
  await ask(reset);
  while (Date.now() < until) {
    const t0 = process.hrtime.bigint();
    const reply = await ask(frames[i++ % frames.length]!);
    record(Number(process.hrtime.bigint() - t0) / 1e6);
    if (reply.includes('"done":true')) await ask(reset);
  }
  ws.close();
}

export async function benchWs(seconds = 5): Promise<WsRun[]> {
  const server = await startServerProcess({ LOG_LEVEL: 'warn', MAX_SESSIONS_PER_CLIENT: '100000' });
  const runs: WsRun[] = [];
  for (const connections of [1, 64]) {
    await Promise.all(Array.from({ length: connections }, () => loop(server.url, Date.now() + 1000, () => undefined))); // warm-up
    const samples: number[] = [];
    const t0 = Date.now();
    await Promise.all(Array.from({ length: connections }, () => loop(server.url, t0 + seconds * 1000, (ms) => samples.push(ms))));
    const elapsed = (Date.now() - t0) / 1000;
    samples.sort((a, b) => a - b);
    runs.push({ connections, roundTripsPerSecond: samples.length / elapsed, p50ms: percentile(samples, 0.5), p99ms: percentile(samples, 0.99) });
  }
  await server.stop();
  return runs;
}
