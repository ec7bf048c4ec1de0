import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { TASK_IDS, type Action } from '../../src/domain/index.js';
import { EXPERT_PATHS } from '../helpers/paths.js';
import { listening } from '../helpers/server.js';
import { openWs, wsUrl } from '../helpers/ws.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening();
});
afterAll(async () => {
  await server.app.close();
});

/** One episode per transport; each returns the per-step rewards and the final score. */
const transports: Record<string, (taskId: string, actions: Action[]) => Promise<{ rewards: (number | null)[]; score: number }>> = {
  async ws(taskId, actions) {
    const client = await connect({ url: server.url, transport: 'ws' });
    await client.reset({ task_id: taskId });
    const rewards = [];
    for (const a of actions) rewards.push((await client.step(a)).reward);
    const { score } = await client.state();
    await client.close();
    return { rewards, score };
  },
  async 'http-openenv'(taskId, actions) {
    const client = await connect({ url: server.url, transport: 'http', sessionId: `parity-${taskId}` });
    await client.reset({ task_id: taskId });
    const rewards = [];
    for (const a of actions) rewards.push((await client.step(a)).reward);
    return { rewards, score: (await client.state()).score };
  },
  async 'http-seed'(taskId, actions) {
    const post = (path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json() as any);
    await post(`/reset?task_id=${taskId}`);
    const rewards = [];
    for (const a of actions) rewards.push((await post(`/step?task_id=${taskId}`, a)).reward.value);
    const state = (await fetch(`${server.url}/state?task_id=${taskId}`).then((r) => r.json())) as any;
    return { rewards, score: state.score };
  },
  async mcp(taskId, actions) {
    const c = await openWs(wsUrl(server.url, '/mcp'));
    let id = 0;
    const call = async (name: string, args: Record<string, unknown>) => {
      c.send({ jsonrpc: '2.0', method: 'tools/call', params: { name, arguments: args }, id: ++id });
      return (await c.next()).result;
    };
    await call('start_incident', { task_id: taskId });
    const rewards = [];
    for (const a of actions) {
      const details = a.details ?? undefined;
      const r =
        a.action_type === 'investigate' ? await call('investigate', { service: a.target, ...(a.view ? { view: a.view } : {}) })
        : a.action_type === 'escalate' ? await call('escalate', { team: a.target, details })
        : a.action_type === 'apply_fix' ? await call('apply_fix', { fix_id: a.target, details })
        : a.action_type === 'postmortem' ? await call('submit_postmortem', { text: a.details })
        : await call('no_op', {});
      expect(r.is_error).toBe(false);
      rewards.push(r.data.reward);
    }
    const view = await call('view_incident', {});
    c.socket.close();
    return { rewards, score: view.data.score };
  },
};

describe('one episode of each seed task over every transport gives identical rewards and scores', () => {
  for (const taskId of TASK_IDS) {
    it(taskId, async () => {
      const actions = EXPERT_PATHS[taskId]!;
      const results = Object.fromEntries(await Promise.all(Object.entries(transports).map(async ([name, run]) => [name, await run(taskId, actions)] as const)));
      const reference = results.ws!;
      expect(reference.score).toBeGreaterThanOrEqual(0.95);
      for (const [, r] of Object.entries(results)) expect(r).toEqual(reference);
    });
  }
});
