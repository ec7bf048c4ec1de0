/** One owner for sessions: capacity, TTLs, quota and the compiled tasks of live sessions, one sweeper. */
import { afterEach, describe, expect, it } from 'vitest';
import { generatedParams } from '../../src/domain/index.js';
import { createEnvironments } from '../../src/server/environments.js';
import { createSessionManager, type SessionManager } from '../../src/server/session-manager.js';

const limits = { maxSessions: 10, sessionTtlMs: 200, maxConcurrentEnvs: 8, mcpSessionTtlMs: 200, maxSessionsPerClient: 4, generatedCacheSize: 4 };
let manager: SessionManager | undefined;
afterEach(async () => {
  await manager?.close();
  manager = undefined;
});
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session manager', () => {
  it('one sweep expires idle HTTP sessions and idle MCP sessions, and gives their quota and slots back', async () => {
    manager = createSessionManager(limits);
    const envs = createEnvironments(manager.store, { tasks: manager.tasks });
    const expired: string[] = [];
    manager.onExpired((id) => void expired.push(id));
    await envs.reset('a', { task_id: 'task_easy' }, '192.0.2.1');
    await envs.reset('b', { task_id: 'task_easy' }, '192.0.2.1');
    const mcp = manager.protocol.open('mcp-http', '192.0.2.1');
    const ws = manager.protocol.open('ws', '192.0.2.1');
    expect(mcp.ok && ws.ok).toBe(true);
    // HTTP and protocol sessions count against the same quota of four.
    expect(manager.quota.held('192.0.2.1')).toBe(4);
    await expect(envs.reset('c', { task_id: 'task_easy' }, '192.0.2.1')).rejects.toThrow(/MAX_SESSIONS_PER_CLIENT/);
    await idle(300);
    await manager.sweep();
    expect(await manager.store.size()).toBe(0);
    expect(expired).toEqual([mcp.ok ? mcp.id : '']);
    // A WebSocket session lives as long as its connection: the sweeper leaves it.
    expect(manager.protocol.active).toBe(1);
    expect(manager.quota.held('192.0.2.1')).toBe(1);
    await envs.reset('c', { task_id: 'task_easy' }, '192.0.2.1');
  });

  it('a live generated session keeps its compiled task; it is let go when the session expires', async () => {
    manager = createSessionManager(limits);
    const envs = createEnvironments(manager.store, { tasks: manager.tasks });
    await envs.reset('g', { task_id: 'generated', seed: 7, difficulty: 'hard' });
    const pinned = manager.tasks.pinned('g');
    expect(pinned).toBeDefined();
    expect(pinned).toBe(manager.tasks.forParams(generatedParams({ seed: 7, difficulty: 'hard' })));
    await idle(300);
    await manager.sweep();
    expect(manager.tasks.pinned('g')).toBeUndefined();
  });
});
