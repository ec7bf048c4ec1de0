/**
 * One owner for everything a session holds on this server: the session store (HTTP sessions:
 * MAX_SESSIONS, idle TTL), the protocol sessions (WebSocket and MCP: MAX_CONCURRENT_ENVS, the MCP
 * idle TTL), the per-client quota both count against, and the compiled generated tasks kept for
 * live sessions; one sweeper expires all of it.
 */
import { LRUCache } from 'lru-cache';
import { generatedTask, paramsKey, type GeneratedParams, type Task } from '../domain/index.js';
import type { ServerConfig } from './config.js';
import { createProtocolSessions, type ProtocolSessions } from './protocol-sessions.js';
import { createClientQuota, type ClientQuota } from './quota.js';
import { createMemoryStore, type SessionStore } from './sessions.js';

/**
 * Generated tasks are pure functions of their parameters: the recent ones stay compiled (a bounded
 * LRU), and a live session's task is pinned beside it while the session is in this process's store
 * (a shared store expires sessions where this process cannot see it, so there only the LRU serves).
 */
export interface TaskCache {
  forParams(params: GeneratedParams): Task;
  pinned(sessionId: string): Task | undefined;
  pin(sessionId: string, task: Task): void;
  unpin(sessionId: string): void;
}

export function createTaskCache(limit: number, pinning: boolean): TaskCache {
  const recent = new LRUCache<string, Task>({ max: limit });
  const live = new Map<string, Task>();
  return {
    forParams(params) {
      const key = paramsKey(params);
      let task = recent.get(key);
      if (!task) {
        task = generatedTask(params);
        recent.set(key, task);
      }
      return task;
    },
    pinned: (id) => live.get(id),
    pin(id, task) {
      if (pinning) live.set(id, task);
    },
    unpin: (id) => void live.delete(id),
  };
}

export interface SessionManager {
  readonly store: SessionStore;
  readonly protocol: ProtocolSessions;
  readonly quota: ClientQuota;
  readonly tasks: TaskCache;
  /** Called for each protocol session that expired idle, before its slot is given back (close its transport and episode). */
  onExpired(handler: (id: string) => void | Promise<void>): void;
  /** Expires idle sessions of every kind now (the sweeper calls it on a timer). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export type SessionLimits = Pick<ServerConfig, 'maxSessions' | 'sessionTtlMs' | 'maxConcurrentEnvs' | 'mcpSessionTtlMs' | 'maxSessionsPerClient' | 'generatedCacheSize'>;

/** `shared`: a store every replica uses (Redis), which enforces its own cap, quota and TTL. */
export function createSessionManager(limits: SessionLimits, shared?: SessionStore): SessionManager {
  const quota = createClientQuota(limits.maxSessionsPerClient);
  const tasks = createTaskCache(limits.generatedCacheSize, shared === undefined);
  const store =
    shared ??
    createMemoryStore({ maxSessions: limits.maxSessions, ttlMs: limits.sessionTtlMs, quota, autoSweep: false, onRemove: (s) => tasks.unpin(s.id) });
  const protocol = createProtocolSessions(limits.maxConcurrentEnvs, limits.mcpSessionTtlMs, quota);
  const handlers: ((id: string) => void | Promise<void>)[] = [];

  const sweep = async () => {
    // A store that cannot be reached now is swept next time; protocol sessions expire regardless.
    await store.sweep().catch(() => 0);
    for (const id of protocol.expired()) {
      for (const handler of handlers) await Promise.resolve(handler(id)).catch(() => undefined);
      protocol.close(id);
    }
  };
  // Often enough that an idle slot comes back within a quarter of the shorter TTL (1 s to 60 s).
  const every = Math.min(60_000, Math.max(1000, Math.min(limits.sessionTtlMs, limits.mcpSessionTtlMs) / 4));
  const timer = setInterval(() => void sweep().catch(() => undefined), every);
  timer.unref();

  return {
    store,
    protocol,
    quota,
    tasks,
    onExpired: (handler) => void handlers.push(handler),
    sweep,
    async close() {
      clearInterval(timer);
      await store.close();
    },
  };
}
