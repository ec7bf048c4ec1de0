import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvClientError, connect } from '../../src/client/index.js';
import { listening } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening({ maxConcurrentEnvs: 1 });
});
afterAll(async () => {
  await server.app.close();
});

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as EnvClientError;
  }
  throw new Error('expected a rejection');
};

describe('TypeScript client', () => {
  it('carries the server error code over WebSocket, and the connection survives it', async () => {
    const client = await connect({ url: server.url, transport: 'ws' });
    const err = await rejection(client.step({ action_type: 'no_op' }));
    expect(err).toBeInstanceOf(EnvClientError);
    expect(err.code).toBe('EXECUTION_ERROR');
    const reply = await client.reset({ task_id: 'task_hard' });
    expect(reply.observation.task_id).toBe('task_hard');
    expect((await rejection(client.step({ action_type: 'escalate', target: 'nobody' }))).code).toBe('VALIDATION_ERROR');
    expect((await client.state()).step_count).toBe(0);

    // The only slot is taken: a second client learns it from the server's unasked error frame.
    const second = await connect({ url: server.url, transport: 'ws' });
    const full = await rejection(second.reset());
    expect(full.code).toBe('CAPACITY_REACHED');
    await second.close();
    await client.close();
  });

  it('carries the server error code and status over HTTP', async () => {
    const client = await connect({ url: server.url, transport: 'http', sessionId: 'client-test' });
    const err = await rejection(client.step({ action_type: 'no_op' }));
    expect(err.code).toBe('NO_EPISODE');
    expect(err.status).toBe(409);
    await client.reset({ task_id: 'task_easy' });
    const r = await client.step({ action_type: 'investigate', target: 'postgres-db' });
    expect(r.reward).toBe(0.3);
    expect((await rejection(client.reset({ task_id: 'task_zzz' }))).status).toBe(404);
  });

  it('reports unreachable servers clearly', async () => {
    expect((await rejection(connect({ url: 'http://127.0.0.1:9', transport: 'ws', connectTimeoutMs: 500 }))).code).toBe('CONNECTION_FAILED');
    const http = await connect({ url: 'http://127.0.0.1:9', transport: 'http', timeoutMs: 500 });
    expect((await rejection(http.reset())).code).toBe('CONNECTION_FAILED');
  });
});
