/**
 * The session store contract, held by both stores: the memory store with a driven clock, and the
 * Redis store against a real redis-server (TTL in real milliseconds). Compare-and-set, the cap,
 * the per-client quota, idle expiry and JSON round trips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTask, reset } from '../../src/domain/index.js';
import { createClientQuota } from '../../src/server/quota.js';
import { createRedisStore } from '../../src/server/redis-store.js';
import { StoreUnavailable, createMemoryStore, type SessionStore } from '../../src/server/sessions.js';
import { requireBinaries, startRedis, type TestRedis } from '../helpers/redis.js';

const session = (id: string, client?: string) => ({ id, task_id: 'task_easy', episode: reset(findTask('task_easy')!), ...(client ? { client } : {}) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  make(o: { maxSessions: number; ttlMs: number; quota?: number }): Promise<SessionStore>;
  /** Lets `ms` of idle time pass. */
  idle(ms: number): Promise<void>;
}

function contract(name: string, harness: () => Harness, skip = false) {
  describe.skipIf(skip)(`${name} session store`, () => {
    it('expires idle sessions after the TTL, and activity keeps them alive', async () => {
      const h = harness();
      const store = await h.make({ maxSessions: 10, ttlMs: 400 });
      await store.put(session('a'));
      await store.put(session('b'));
      await h.idle(250);
      expect(await store.get('a')).toBeDefined();
      await h.idle(250);
      expect(await store.get('a')).toBeDefined();
      expect(await store.get('b')).toBeUndefined();
      await h.idle(500);
      await store.sweep();
      expect(await store.size()).toBe(0);
      await store.close();
    });

    it('refuses new sessions at the cap, but makes room by dropping expired ones', async () => {
      const h = harness();
      const store = await h.make({ maxSessions: 1, ttlMs: 400 });
      expect(await store.put(session('a'))).toEqual({ ok: true, version: 1 });
      expect(await store.put(session('b'))).toEqual({ ok: false, reason: 'full' });
      expect(await store.put(session('a'))).toEqual({ ok: true, version: 2 });
      await h.idle(600);
      expect((await store.put(session('b'))).ok).toBe(true);
      await store.close();
    });

    it('compare-and-set: a write that read an old version is refused and changes nothing; of two racing writers exactly one applies', async () => {
      const h = harness();
      const store = await h.make({ maxSessions: 10, ttlMs: 10_000 });
      await store.put(session('a'));
      const read = (await store.get('a'))!;
      expect(read.version).toBe(1);
      const stepped = { ...read, episode: { ...read.episode, step: 1 } };
      const racing = await Promise.all([store.put(stepped, 1), store.put({ ...stepped, episode: { ...read.episode, step: 7 } }, 1)]);
      expect(racing.filter((r) => r.ok)).toHaveLength(1);
      expect(racing.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'conflict' }]);
      const after = (await store.get('a'))!;
      expect(after.version).toBe(2);
      expect(await store.put(stepped, 1)).toEqual({ ok: false, reason: 'conflict' });
      expect((await store.get('a'))!.episode.step).toBe(after.episode.step);
      // A session that is gone cannot be stepped either.
      expect(await store.put(session('ghost'), 3)).toEqual({ ok: false, reason: 'conflict' });
      expect(await store.get('ghost')).toBeUndefined();
      await store.close();
    });

    it('holds a client to its quota of new sessions; deleting one frees a slot', async () => {
      const h = harness();
      const store = await h.make({ maxSessions: 10, ttlMs: 10_000, quota: 2 });
      expect((await store.put(session('a', '10.0.0.1'))).ok).toBe(true);
      expect((await store.put(session('b', '10.0.0.1'))).ok).toBe(true);
      expect(await store.put(session('c', '10.0.0.1'))).toEqual({ ok: false, reason: 'quota' });
      expect((await store.put(session('c', '10.0.0.2'))).ok).toBe(true);
      // Rewriting a session it holds is not a new one.
      expect((await store.put(session('a', '10.0.0.1'))).ok).toBe(true);
      expect(await store.delete('a')).toBe(true);
      expect(await store.delete('a')).toBe(false);
      expect((await store.put(session('d', '10.0.0.1'))).ok).toBe(true);
      expect(await store.size()).toBe(3);
      // Another client's record replacing one takes a slot of the new owner's quota and frees the old owner's.
      expect(await store.put(session('c', '10.0.0.1'))).toEqual({ ok: false, reason: 'quota' });
      expect((await store.put(session('c', '10.0.0.3'))).ok).toBe(true);
      expect((await store.put(session('e', '10.0.0.2'))).ok).toBe(true);
      expect((await store.put(session('f', '10.0.0.2'))).ok).toBe(true);
      expect(await store.put(session('g', '10.0.0.2'))).toEqual({ ok: false, reason: 'quota' });
      await store.close();
    });

    it('holds sessions as plain JSON', async () => {
      const h = harness();
      const store = await h.make({ maxSessions: 1, ttlMs: 10_000 });
      await store.put(session('a', '10.0.0.9'));
      const s = (await store.get('a'))!;
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      expect(s).toEqual({ ...session('a', '10.0.0.9'), version: 1 });
      await store.close();
    });
  });
}

contract('memory', () => {
  let t = 0;
  return {
    async make({ maxSessions, ttlMs, quota }) {
      return createMemoryStore({ maxSessions, ttlMs, now: () => t, autoSweep: false, ...(quota ? { quota: createClientQuota(quota) } : {}) });
    },
    async idle(ms) {
      t += ms;
    },
  };
});

const redisNeeds = requireBinaries('redis-server', 'redis-cli');
let redis: TestRedis | null = null;
let prefixes = 0;
beforeAll(async () => {
  if (!redisNeeds.skip) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

contract(
  'Redis',
  () => ({
    async make({ maxSessions, ttlMs, quota }) {
      return createRedisStore({ url: redis!.url, maxSessions, ttlMs, quotaLimit: quota ?? 1000, prefix: `t${++prefixes}:`, timeoutMs: 500 });
    },
    idle: async (ms) => {
      await sleep(ms);
    },
  }),
  redisNeeds.skip,
);

describe.skipIf(redisNeeds.skip)('Redis store when Redis is down', () => {
  it('fails fast with StoreUnavailable, and works again once Redis is back', async () => {
    const store = await createRedisStore({ url: redis!.url, maxSessions: 10, ttlMs: 10_000, quotaLimit: 10, prefix: 'down:', timeoutMs: 300 });
    await store.put(session('a'));
    await redis!.stop();
    const started = Date.now();
    await expect(store.get('a')).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.put(session('b'))).rejects.toBeInstanceOf(StoreUnavailable);
    expect(Date.now() - started).toBeLessThan(2000);
    await redis!.start();
    // The client reconnects by itself; the scripts are sent again after the restart (NOSCRIPT).
    let back = false;
    for (let i = 0; i < 60 && !back; i++) {
      back = await store.put(session('b')).then((r) => r.ok, () => false);
      if (!back) await sleep(100);
    }
    expect(back).toBe(true);
    expect((await store.get('b'))?.id).toBe('b');
    await store.close();
  });
});
