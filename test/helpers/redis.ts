/**
 * A throwaway redis-server for tests (Debian's package, which `.ci/run` installs): its own port
 * and directory, no persistence. Tests that need it skip locally when it is missing, and fail in CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasBinary = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

/** Skip (locally) or fail (CI) when a system binary is missing. */
export function requireBinaries(...names: string[]): { skip: boolean; reason: string } {
  const missing = names.filter((n) => !hasBinary(n));
  if (!missing.length) return { skip: false, reason: '' };
  const reason = `missing ${missing.join(', ')}: run bash .ci/run (it installs Debian's redis-server and nginx)`;
  if (process.env.CI) throw new Error(reason);
  return { skip: true, reason };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TestRedis {
  url: string;
  port: number;
  /** Starts (again, on the same port) a server that was stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/** `persist`: every write is fsynced to an append-only file, so a killed and restarted server keeps its data. */
export async function startRedis(opts: { persist?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-'));
  let child: ChildProcess | null = null;
  const ping = () =>
    new Promise<boolean>((resolve) => {
      const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { timeout: 1000 });
      resolve(r.stdout?.toString().trim() === 'PONG');
    });
  const handle: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      const durability = opts.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...durability, '--dir', dir], { stdio: 'ignore' });
      await waitFor(ping, 10_000, `redis-server on ${port}`);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
    async dispose() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
