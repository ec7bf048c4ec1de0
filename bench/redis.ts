/** A throwaway redis-server for the benchmark (Debian's package), or null when it is not installed. */
import { spawn, spawnSync } from 'node:child_process';
import { freePort } from './server-process.js';

export interface BenchRedis {
  url: string;
  stop(): void;
}

export async function startBenchRedis(): Promise<BenchRedis | null> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return null;
  const port = await freePort();
  // Its own core when the bench pins processes: the store is a separate machine in production.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}
