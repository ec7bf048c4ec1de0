/**
 * OpenEnv protocol sessions (WebSocket /ws, WebSocket /mcp, HTTP MCP sessions) share one
 * capacity, MAX_CONCURRENT_ENVS, as the protocol specifies. Each holds its episode in the
 * session store under `env:<id>`.
 */
import { randomUUID } from 'node:crypto';

export type ProtocolSessionKind = 'ws' | 'mcp-ws' | 'mcp-http';

export interface ProtocolSessions {
  /** A new session id, or null at capacity. */
  open(kind: ProtocolSessionKind): string | null;
  close(id: string): boolean;
  kindOf(id: string): ProtocolSessionKind | undefined;
  touch(id: string): void;
  /** Ids of HTTP MCP sessions idle for longer than the TTL (connection-bound ones never expire here). */
  expired(): string[];
  readonly active: number;
  readonly max: number;
}

export const envKey = (sessionId: string) => `env:${sessionId}`;

export function createProtocolSessions(max: number, ttlMs: number, now: () => number = Date.now): ProtocolSessions {
  const live = new Map<string, { kind: ProtocolSessionKind; lastActive: number }>();
  return {
    open(kind) {
      if (live.size >= max) return null;
      const id = randomUUID();
      live.set(id, { kind, lastActive: now() });
      return id;
    },
    close(id) {
      return live.delete(id);
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
    get active() {
      return live.size;
    },
    max,
  };
}

export const capacityMessage = (active: number, max: number) =>
  `Server at capacity: ${active}/${max} sessions active. Cannot accept new connections.`;
