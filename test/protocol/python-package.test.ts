/**
 * The Python package (`python/`, installed with `pip install ./python`) and the official Python MCP
 * client, tested by their own pytest suite against a live server: models against /schema, the
 * WebSocket clients, the TRL environment_factory class, the example rollout, MCP Streamable HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, requirePython } from '../helpers/python.js';
import { listening } from '../helpers/server.js';
import { run } from '../helpers/spawn.js';

const py = requirePython('incident_response', 'pytest', 'httpx', 'mcp', 'websockets', 'pydantic');
let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening({ maxConcurrentEnvs: 16 });
});
afterAll(async () => {
  await server.app.close();
});

describe.skipIf(py.skip)('the Python package and the official Python MCP client (pytest)', () => {
  it('pass their suite against this server', async () => {
    const r = await run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'python/tests'], { env: { INCIDENT_ENV_URL: server.url }, timeoutMs: 180_000 });
    expect(r.stdout + r.stderr).toMatch(/\b15 passed\b/);
    expect(r.stdout).not.toMatch(/failed|error/i);
    expect(r.code).toBe(0);
  }, 200_000);
});
