/**
 * OpenEnv protocol sessions (WebSocket /ws, WebSocket /mcp, HTTP MCP sessions) share one
 * capacity, MAX_CONCURRENT_ENVS, as the protocol specifies, and the per-client quota. Each holds
 * its episode in the session store under `env:<id>`. Ids are random UUIDs: unguessable.
 */
import { randomUUID } from 'node:crypto';
import type { ClientQuota } from './quota.js';

export type ProtocolSessionKind = 'ws' | 'mcp-ws' | 'mcp-http';

export type Opened = { ok: true; id: string } | { ok: false; reason: 'capacity' | 'quota'; message: string };

export interface ProtocolSessions {
  open(kind: ProtocolSessionKind, client?: string): Opened;
  close(id: string): boolean;
  kindOf(id: string): ProtocolSessionKind | undefined;
  touch(id: string): void;
  /** Ids of HTTP MCP sessions idle for longer than the TTL (connection-bound ones never expire here). */
  expired(): string[];
  countByKind(): Record<string, number>;
  readonly active: number;
  readonly max: number;
}

export const envKey = (sessionId: string) => `env:${sessionId}`;

export const capacityMessage = (active: number, max: number) =>
  `Server at capacity: ${active}/${max} sessions active. Cannot accept new connections.`;

export function createProtocolSessions(max: number, ttlMs: number, quota?: ClientQuota, now: () => number = Date.now): ProtocolSessions {
  const live = new Map<string, { kind: ProtocolSessionKind; lastActive: number; client: string | undefined }>();
  return {
    open(kind, client) {
      if (live.size >= max) return { ok: false, reason: 'capacity', message: capacityMessage(live.size, max) };
      if (client !== undefined && quota && !quota.acquire(client)) {
        return { ok: false, reason: 'quota', message: `this client already holds ${quota.limit} sessions (MAX_SESSIONS_PER_CLIENT)` };
      }
      const id = randomUUID();
      live.set(id, { kind, lastActive: now(), client });
      return { ok: true, id };
    },
    close(id) {
      const s = live.get(id);
      if (!s) return false;
      live.delete(id);
      if (s.client !== undefined) quota?.release(s.client);
      return true;
    },
    kindOf(id) {
      return live.get(id)?.kind;
    },
    touch(id) {
      const s = live.get(id);
      if (s) s.lastActive = now();
    },
    expired() {
      const t = now();
      return [...live].filter(([, s]) => s.kind === 'mcp-http' && t - s.lastActive > ttlMs).map(([id]) => id);
    },
    countByKind() {
      const out: Record<string, number> = {};
      for (const s of live.values()) out[s.kind] = (out[s.kind] ?? 0) + 1;
      return out;
    },
    get active() {
      return live.size;
    },
    max,
  };
}
