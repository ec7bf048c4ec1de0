/**
 * One answer per kind of mistake on every transport: an unknown reset option and an invalid
 * target are VALIDATION_ERROR over HTTP and /ws, and invalid params over MCP; the typed client
 * refuses a misspelt reset option at compile time and exports every type it hands out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, EnvClientError, type Observation, type State } from '../../src/client/index.js';
import { listening } from '../helpers/server.js';
import { openWs } from '../helpers/ws.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening();
});
afterAll(async () => {
  await server.app.close();
});

const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('one error per kind of mistake, on every transport', () => {
  it('an unknown reset option is refused, named, and starts nothing', async () => {
    const http = await post('/reset?session_id=typo-http', { task_id: 'generated', dificulty: 'expert' });
    expect(http.status).toBe(422);
    const body = (await http.json()) as { code: string; message: string };
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.message).toMatch(/dificulty/);
    expect((await fetch(`${server.url}/state?session_id=typo-http`)).status).toBe(409);

    const ws = await openWs(`${server.url.replace('http', 'ws')}/ws`);
    ws.send({ type: 'reset', data: { taskid: 'task_hard' } });
    const reply = await ws.next();
    expect(reply).toMatchObject({ type: 'error', data: { code: 'VALIDATION_ERROR' } });
    expect(JSON.stringify(reply.data)).toMatch(/taskid/);
    ws.socket.close();

    const rpc = (await (await post('/mcp', { jsonrpc: '2.0', id: 1, method: 'openenv/session/create', params: { task_id: 'generated', spilt: 'test' } })).json()) as { error: { code: number; message: string } };
    expect(rpc.error.code).toBe(-32602);
    expect(rpc.error.message).toMatch(/unknown reset option\(s\): spilt; allowed: task_id, seed, episode_id, difficulty, split, family/);
  });

  it('the same invalid target is VALIDATION_ERROR over HTTP and over /ws', async () => {
    for (const transport of ['http', 'ws'] as const) {
      const env = await connect({ url: server.url, transport });
      const first = await env.reset({ task_id: 'task_easy' });
      expect(first.reason).toBeNull();
      const looked = await env.step({ action_type: 'investigate', target: 'postgres-db' });
      expect(looked.reason).toMatch(/investigated/);
      const error = await env.step({ action_type: 'investigate', target: 'mainframe' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvClientError);
      expect((error as EnvClientError).code).toBe('VALIDATION_ERROR');
      expect((await env.state()).step_count).toBe(1);
      await env.close();
    }
  });

  it('the typed client refuses a misspelt option and exports its types', async () => {
    const env = await connect({ url: server.url, transport: 'ws' });
    // @ts-expect-error -- "dificulty" is not a reset option
    await expect(env.reset({ task_id: 'generated', dificulty: 'expert' })).rejects.toThrow(/dificulty/);
    const { observation }: { observation: Observation } = await env.reset({ task_id: 'generated', difficulty: 'expert', split: 'test', seed: 3 });
    const state: State = await env.state();
    expect(observation.task_id).toBe('generated');
    expect(state.step_count).toBe(0);
    await env.close();
  });
});
