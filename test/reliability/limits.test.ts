import { connect as tcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listening } from '../helpers/server.js';
import { openWs, wsUrl } from '../helpers/ws.js';

const servers: Awaited<ReturnType<typeof listening>>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.app.close()));
});
const start = async (o: Parameters<typeof listening>[0]) => {
  const s = await listening(o);
  servers.push(s);
  return s;
};
const portOf = (url: string) => Number(new URL(url).port);

describe('limits', () => {
  it('a WebSocket message over WS_MAX_PAYLOAD_BYTES closes the connection with 1009', async () => {
    const s = await start({ wsMaxPayload: 2048 });
    const c = await openWs(wsUrl(s.url, '/ws'));
    c.send(JSON.stringify({ type: 'reset', data: { task_id: 'task_easy', pad: 'x'.repeat(4000) } }));
    expect(await c.closed).toBe(1009);
    expect(s.sessions.active).toBe(0);
  });

  it('a postmortem over POSTMORTEM_MAX_CHARS is rejected on HTTP and WebSocket, changing nothing', async () => {
    const s = await start({ postmortemMaxChars: 100 });
    await fetch(`${s.url}/reset?task_id=task_medium&session_id=p1`, { method: 'POST' });
    const r = await fetch(`${s.url}/step?session_id=p1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action_type: 'postmortem', target: '', details: 'y'.repeat(101) }) });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { message: string }).message).toMatch(/at most 100 characters/);
    const c = await openWs(wsUrl(s.url, '/ws'));
    c.send({ type: 'reset', data: { task_id: 'task_medium' } });
    await c.next();
    c.send({ type: 'step', data: { action_type: 'postmortem', details: 'y'.repeat(101) } });
    expect((await c.next()).data).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/POSTMORTEM_MAX_CHARS/) });
    c.send({ type: 'state' });
    expect((await c.next()).data.step_count).toBe(0);
    c.socket.close();
  });

  it('slow-loris: a client that never finishes its headers is cut off', async () => {
    const s = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const socket = tcp(portOf(s.url), '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
    });
    socket.write('GET /tasks HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    const answer = await closed;
    clearInterval(drip);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('a WebSocket that says nothing for WS_IDLE_TIMEOUT_MS is closed and its session freed', async () => {
    const s = await start({ wsIdleTimeoutMs: 300 });
    const c = await openWs(wsUrl(s.url, '/ws'));
    c.send({ type: 'reset' });
    await c.next();
    expect(s.sessions.active).toBe(1);
    expect(await c.closed).toBe(1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.sessions.active).toBe(0);
  });

  it('a half-open WebSocket (no pong) is terminated after a missed ping', async () => {
    const s = await start({ wsPingIntervalMs: 150 });
    // A raw client that completes the handshake and then never answers anything.
    const socket = tcp(portOf(s.url), '127.0.0.1');
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    socket.resume(); // read and discard: the 101, then pings it never answers
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise((r) => setTimeout(r, 100));
    expect(s.sessions.active).toBe(1);
    await ended;
    for (let i = 0; i < 50 && s.sessions.active > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.sessions.active).toBe(0);
  });
});
