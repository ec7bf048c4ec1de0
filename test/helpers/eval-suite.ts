/** What the evaluation suites share: a listening server, and a model endpoint that always fails. */
import { afterAll, beforeAll } from 'vitest';
import { startMockLlm, type MockLlm } from './mock-llm.js';
import { listening } from './server.js';

export function evalSuite(): { readonly server: Awaited<ReturnType<typeof listening>>; readonly failing: MockLlm } {
  const ctx = {} as { server: Awaited<ReturnType<typeof listening>>; failing: MockLlm };
  beforeAll(async () => {
    ctx.server = await listening();
    ctx.failing = await startMockLlm({}, 'fail');
  });
  afterAll(async () => {
    await Promise.all([ctx.server?.app.close(), ctx.failing?.close()]);
  });
  return ctx;
}
