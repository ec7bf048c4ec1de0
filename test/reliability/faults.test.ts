import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../helpers/server.js';
import { openWs, wsUrl } from '../helpers/ws.js';

let s: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  s = await listening();
});
afterAll(async () => {
  await s.app.close();
});
const post = (path: string, body?: unknown) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
const stateOf = async (sid: string) => (await (await fetch(`${s.url}/state?session_id=${sid}`)).json()) as any;

describe('faults', () => {
  it('a client that vanishes mid-episode frees its session', async () => {
    const c = await openWs(wsUrl(s.url, '/ws'));
    c.send({ type: 'reset', data: { task_id: 'task_hard' } });
    await c.next();
    c.send({ type: 'step', data: { action_type: 'investigate', target: 'auth-service' } });
    await c.next();
    const before = s.sessions.active;
    c.socket.terminate();
    await c.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(s.sessions.active).toBe(before - 1);
  });

  it('a burst of resets on one session: every one succeeds and the last leaves a clean episode', async () => {
    await post('/reset?session_id=burst&task_id=task_easy');
    await post('/step?session_id=burst', { action_type: 'no_op' });
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => post(`/reset?session_id=burst&task_id=${i % 2 ? 'task_hard' : 'task_medium'}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const st = await stateOf('burst');
    expect(st.step).toBe(0);
    expect(st.history).toEqual([]);
    expect(['task_hard', 'task_medium']).toContain(st.task_id);
  });

  it('steps racing resets on one session: each request is atomic and the state stays consistent', async () => {
    await post('/reset?session_id=race&task_id=task_easy');
    const mixed = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? post('/reset?session_id=race&task_id=task_easy') : post('/step?session_id=race', { action_type: 'investigate', target: 'auth-service' }))),
    );
    expect(mixed.every((r) => r.status === 200)).toBe(true);
    const st = await stateOf('race');
    expect(st.history.length).toBe(st.step);
    expect(st.history.every((h: { step: number }, i: number) => h.step === i + 1)).toBe(true);
  });

  it('a WebSocket step racing a reset on the same connection is answered in order', async () => {
    const c = await openWs(wsUrl(s.url, '/ws'));
    c.send({ type: 'reset', data: { task_id: 'task_easy' } });
    c.send({ type: 'step', data: { action_type: 'no_op' } });
    c.send({ type: 'reset', data: { task_id: 'task_medium' } });
    c.send({ type: 'step', data: { action_type: 'no_op' } });
    c.send({ type: 'state' });
    const replies = [await c.next(), await c.next(), await c.next(), await c.next(), await c.next()];
    expect(replies.map((r) => r.type)).toEqual(['observation', 'observation', 'observation', 'observation', 'state']);
    expect(replies[4].data).toMatchObject({ task_id: 'task_medium', step_count: 1 });
    c.socket.close();
  });
});
