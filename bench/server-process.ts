/** Starts the real server as a child process on a free loopback port, for load tests. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
  metrics(): Promise<Record<string, number>>;
}

/**
 * Spawns a process, pinned to the CPU in BENCH_SERVER_CPU when `taskset` is available, so a
 * server and its load generator do not fight over one core (the load generator pins itself).
 */
export function spawnPinned(cmd: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  const cpu = process.env.BENCH_SERVER_CPU;
  if (cpu !== undefined && hasTaskset()) return spawn('taskset', ['-c', cpu, cmd, ...args], options);
  return spawn(cmd, args, options);
}

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** Parses the Prometheus text format into "name{labels}" -> value. */
export function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return out;
}

export async function startServerProcess(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  // Compiled (npm run bench builds first) when this file is compiled; through tsx otherwise.
  const entry = new URL('../src/server/main.js', import.meta.url);
  const compiled = !import.meta.url.endsWith('.ts');
  const args = compiled ? [...nodeArgs, entry.pathname] : [...nodeArgs, '--import', 'tsx', 'src/server/main.ts'];
  const child = spawnPinned(process.execPath, args, {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async metrics() {
      return parseMetrics(await (await fetch(`${url}/metrics`)).text());
    },
  };
}
