/**
 * Session storage. Sessions are plain JSON-serialisable records behind a small asynchronous
 * interface with two implementations: in memory (the default) and Redis (`redis-store.ts`, for
 * many replicas). Both enforce the same rules: a cap on live sessions, a per-client quota on new
 * sessions, an idle TTL, and compare-and-set on a version so two writers of one session cannot
 * both apply.
 */
import type { Episode, StepResult } from '../domain/index.js';
import type { ClientQuota } from './quota.js';

export interface Session {
  id: string;
  task_id: string;
  episode: Episode;
  /** The client address that created it, for per-client quotas (absent for shared default sessions). */
  client?: string;
  /** Bumped by every write; a write that names the version it read fails if another came first. */
  version?: number;
  /**
   * The last step's idempotency key and result: a retried request with the same key gets the same
   * reply and is not applied twice (a reply lost with a replica or a proxy is safe to retry).
   */
  last?: { key: string; result: StepResult };
  /** A drill: the facilitator's key (sees the ground truth, sends hints), exam mode, and the hints sent. */
  drill?: Drill;
}

export interface Drill {
  key: string;
  /** The player's console hides per-step rewards, reasons and the score until the end. */
  exam: boolean;
  hints: { step: number; text: string }[];
}

export type PutResult = { ok: true; version: number } | { ok: false; reason: 'full' | 'quota' | 'conflict' };

export interface SessionStore {
  /** `memory` lives and dies with this process; `redis` is shared by every replica. */
  readonly kind: 'memory' | 'redis';
  get(id: string): Promise<Session | undefined>;
  /**
   * Stores the session. With `expect`, only if the stored version is still `expect` (else
   * `conflict`); a new session may be refused when the store is full or its client holds its quota.
   */
  put(session: Session, expect?: number): Promise<PutResult>;
  delete(id: string): Promise<boolean>;
  size(): Promise<number>;
  /** Drops idle sessions; returns how many. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

/** The store could not be reached in time (Redis down or slow): retry later, nothing was changed. */
export class StoreUnavailable extends Error {}

export interface MemoryStoreOptions {
  maxSessions: number;
  ttlMs: number;
  /** Sessions one client may own at once (counted on new sessions that name a client). */
  quota?: ClientQuota;
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
  const remove = (id: string, session: Session) => {
    entries.delete(id);
    if (session.client !== undefined) opts.quota?.release(session.client);
    opts.onRemove?.(session);
  };
  const live = (id: string) => {
    const entry = entries.get(id);
    if (entry && expired(entry.lastActive)) {
      remove(id, entry.session);
      return undefined;
    }
    return entry;
  };
  const sweep = () => {
    let dropped = 0;
    for (const [id, entry] of entries) {
      if (expired(entry.lastActive)) {
        remove(id, entry.session);
        dropped++;
      }
    }
    return dropped;
  };

  const timer = opts.autoSweep === false ? undefined : setInterval(sweep, Math.min(60_000, Math.max(1000, opts.ttlMs / 4)));
  timer?.unref();

  return {
    kind: 'memory',
    async get(id) {
      const entry = live(id);
      if (!entry) return undefined;
      entry.lastActive = now();
      return entry.session;
    },
    async put(session, expect) {
      const existing = live(session.id);
      const current = existing?.session.version ?? 0;
      if (expect !== undefined && (!existing || current !== expect)) return { ok: false, reason: 'conflict' };
      if (!existing) {
        if (entries.size >= opts.maxSessions && (sweep(), entries.size >= opts.maxSessions)) return { ok: false, reason: 'full' };
        if (session.client !== undefined && opts.quota && !opts.quota.acquire(session.client)) return { ok: false, reason: 'quota' };
      } else if (existing.session.client !== session.client) {
        // Another owner's record replaces this one: the new owner's slot first, then the old one goes back.
        if (session.client !== undefined && opts.quota && !opts.quota.acquire(session.client)) return { ok: false, reason: 'quota' };
        if (existing.session.client !== undefined) opts.quota?.release(existing.session.client);
        opts.onRemove?.(existing.session);
      }
      const version = current + 1;
      entries.set(session.id, { session: { ...session, version }, lastActive: now() });
      return { ok: true, version };
    },
    async delete(id) {
      const entry = entries.get(id);
      if (!entry) return false;
      remove(id, entry.session);
      return true;
    },
    async size() {
      return entries.size;
    },
    async sweep() {
      return sweep();
    },
    async close() {
      if (timer) clearInterval(timer);
      entries.clear();
    },
  };
}
