import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../helpers/server.js';
import { run } from '../helpers/spawn.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening();
});
afterAll(async () => {
  await server.app.close();
});

describe.skipIf(!hasPython)('a Python standard-library client speaking like OpenEnv\'s GenericEnvClient', () => {
  it('plays task_easy over /ws', async () => {
    const r = await run('python3', ['test/python/openenv_ws_client.py', server.url], { timeoutMs: 30_000 });
    expect(r.stdout).toContain('8 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
