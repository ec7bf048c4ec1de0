/** Memory per idle session (10,000 HTTP sessions) and per idle WebSocket connection, after GC. */
import WebSocket from 'ws';
import { startServerProcess } from './server-process.js';

export interface MemoryRun {
  sessions: number;
  kbPerSessionHeap: number;
  kbPerSessionRss: number;
  websockets: number;
  kbPerWebSocketRss: number;
  kbPerWebSocketHeap: number;
}

const KB = 1024;

export async function benchMemory(sessions = 10_000, websockets = 2_000): Promise<MemoryRun> {
  const server = await startServerProcess({ GC_BEFORE_METRICS: '1', MAX_SESSIONS: String(sessions * 2), MAX_SESSIONS_PER_CLIENT: String(sessions * 2), MAX_CONCURRENT_ENVS: String(websockets * 2), LOG_LEVEL: 'warn' }, ['--expose-gc']);
  const read = async () => {
    const m = await server.metrics();
    return { heap: m['incident_nodejs_heap_size_used_bytes'] ?? 0, rss: m['incident_process_resident_memory_bytes'] ?? 0 };
  };
  // Warm every code path once so the baseline includes compiled code, not just data.
  await fetch(`${server.url}/reset?task_id=task_hard&session_id=warm`, { method: 'POST' });
  const before = await read();
  for (let i = 0; i < sessions; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, sessions - i) }, (_, k) => fetch(`${server.url}/reset?task_id=task_hard&session_id=idle-${i + k}`, { method: 'POST' }).then((r) => r.arrayBuffer())));
  }
  const withSessions = await read();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < websockets; i += 100) {
    const batch = Array.from({ length: Math.min(100, websockets - i) }, () => new WebSocket(`${server.url.replace('http', 'ws')}/ws`));
    await Promise.all(batch.map((ws) => new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); })));
    sockets.push(...batch);
  }
  const withSockets = await read();
  for (const ws of sockets) ws.close();
  await server.stop();
  return {
    sessions,
    kbPerSessionHeap: (withSessions.heap - before.heap) / sessions / KB,
    kbPerSessionRss: (withSessions.rss - before.rss) / sessions / KB,
    websockets,
    kbPerWebSocketRss: (withSockets.rss - withSessions.rss) / websockets / KB,
    kbPerWebSocketHeap: (withSockets.heap - withSessions.heap) / websockets / KB,
  };
}
