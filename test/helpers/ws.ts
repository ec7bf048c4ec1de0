/** A raw WebSocket test client: send frames, await replies in order, observe the close. */
import WebSocket from 'ws';

export interface RawWs {
  send(frame: unknown): void;
  next(timeoutMs?: number): Promise<any>;
  closed: Promise<number>;
  socket: WebSocket;
}

export async function openWs(url: string): Promise<RawWs> {
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const waiters: ((s: string) => void)[] = [];
  socket.on('message', (m) => {
    const text = m.toString();
    const w = waiters.shift();
    if (w) w(text);
    else queue.push(text);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    closed,
    send(frame) {
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    next(timeoutMs = 3000) {
      const ready = queue.shift();
      if (ready !== undefined) return Promise.resolve(JSON.parse(ready));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame within timeout')), timeoutMs);
        waiters.push((s) => {
          clearTimeout(timer);
          resolve(JSON.parse(s));
        });
      });
    },
  };
}

export const wsUrl = (httpUrl: string, path: string) => `${httpUrl.replace(/^http/, 'ws')}${path}`;
