/**
 * Session storage. Sessions are plain JSON-serialisable records behind a small synchronous
 * interface; the in-memory store enforces a cap on live sessions and an idle TTL.
 */
import type { Episode } from '../domain/index.js';

export interface Session {
  id: string;
  task_id: string;
  episode: Episode;
  /** The client address that created it, for per-client quotas (absent for shared default sessions). */
  client?: string;
}

export interface SessionStore {
  get(id: string): Session | undefined;
  /** Stores the session; false when it is new and the store is full. */
  put(session: Session): boolean;
  delete(id: string): boolean;
  readonly size: number;
  /** Drops idle sessions; returns how many. */
  sweep(): number;
  close(): void;
}

export interface MemoryStoreOptions {
  maxSessions: number;
  ttlMs: number;
  now?: () => number;
  /** Sweep idle sessions on a timer (off in tests that drive `now`). */
  autoSweep?: boolean;
  /** Called once for every session that leaves the store (deleted, expired or replaced by another record). */
  onRemove?: (session: Session) => void;
}

export function createMemoryStore(opts: MemoryStoreOptions): SessionStore {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { session: Session; lastActive: number }>();
  const expired = (lastActive: number) => now() - lastActive > opts.ttlMs;

  const timer =
    opts.autoSweep === false ? undefined : setInterval(() => store.sweep(), Math.min(60_000, Math.max(1000, opts.ttlMs / 4)));
  timer?.unref();

  const store: SessionStore = {
    get(id) {
      const entry = entries.get(id);
      if (!entry) return undefined;
      if (expired(entry.lastActive)) {
        entries.delete(id);
        opts.onRemove?.(entry.session);
        return undefined;
      }
      entry.lastActive = now();
      return entry.session;
    },
    put(session) {
      const existing = entries.get(session.id);
      if (!existing && entries.size >= opts.maxSessions) {
        store.sweep();
        if (entries.size >= opts.maxSessions) return false;
      }
      entries.set(session.id, { session, lastActive: now() });
      if (existing && existing.session.client !== session.client) opts.onRemove?.(existing.session);
      return true;
    },
    delete(id) {
      const entry = entries.get(id);
      if (!entry) return false;
      entries.delete(id);
      opts.onRemove?.(entry.session);
      return true;
    },
    get size() {
      return entries.size;
    },
    sweep() {
      let dropped = 0;
      for (const [id, entry] of entries) {
        if (expired(entry.lastActive)) {
          entries.delete(id);
          opts.onRemove?.(entry.session);
          dropped++;
        }
      }
      return dropped;
    },
    close() {
      if (timer) clearInterval(timer);
      entries.clear();
    },
  };
  return store;
}
