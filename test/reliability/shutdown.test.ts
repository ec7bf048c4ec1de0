import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TSX } from '../helpers/spawn.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

describe('graceful shutdown and logs', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: WebSockets get a close frame (1001), the process exits 0`, async () => {
      const port = await freePort();
      const child = spawn(TSX, ['src/server/main.ts'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ENV_AUTH_TOKEN: 'very-secret-token' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 100; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
        } catch {
          // not up yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await fetch(`http://127.0.0.1:${port}/tasks`, { headers: { authorization: 'Bearer wrong-guess' } });
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: 'Bearer very-secret-token' } });
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      child.kill(signal);
      expect(await closed).toBe(1001);
      expect(await exited).toBe(0);
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l.msg === 'request rejected' && typeof l.reqId === 'string' && l.status === 401)).toBe(true);
      expect(out).not.toContain('very-secret-token');
      expect(out).not.toContain('wrong-guess');
    }, 30_000);
  }

  it('a launcher killed without passing the signal on (npm start): the server notices and exits, freeing its port', async () => {
    const port = await freePort();
    // sh stays the server's parent (the "; true" keeps it from exec-ing), as npm does.
    const launcher = spawn('sh', ['-c', `node --import tsx src/server/main.ts; true`], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const up = async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && !(await up()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await up()).toBe(true);
    launcher.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = !(await up());
    }
    expect(gone).toBe(true);
  }, 30_000);
});
