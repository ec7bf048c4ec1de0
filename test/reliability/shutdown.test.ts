import { spawn } from 'node:child_process';
import { connect as connectTcp, createServer } from 'node:net';
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

  it('malformed WebSocket frames are logged as one short info line each, never as errors with stacks', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Raw frames: invalid UTF-8 text, reserved bit set, unknown opcode, unmasked (clients must mask).
    const masked = (first: number, data: number[]) => Buffer.from([first, 0x80 | data.length, 0, 0, 0, 0, ...data]);
    const frames = [masked(0x81, [0xff, 0xfe]), masked(0xc1, [0x7b, 0x7d]), masked(0x83, [0x78]), Buffer.from([0x81, 0x02, 0x68, 0x69])];
    for (const path of ['/ws', '/mcp']) {
      for (const frame of frames) {
        await new Promise<void>((resolve) => {
          const sock = connectTcp(port, '127.0.0.1', () => {
            sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
          });
          sock.once('data', () => sock.write(frame));
          sock.on('close', () => resolve());
          sock.on('error', () => resolve());
          setTimeout(() => sock.destroy(), 1500);
        });
      }
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg?: string; code?: string; err?: unknown });
    const malformed = lines.filter((l) => l.msg === 'WebSocket closed: malformed frame from the client');
    expect(malformed.length).toBe(8);
    expect(new Set(malformed.map((l) => l.code))).toEqual(new Set(['WS_ERR_INVALID_UTF8', 'WS_ERR_UNEXPECTED_RSV_1', 'WS_ERR_INVALID_OPCODE', 'WS_ERR_EXPECTED_MASK']));
    expect(malformed.every((l) => l.level === 30 && l.err === undefined)).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(out).not.toContain('"stack"');
  }, 30_000);

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
