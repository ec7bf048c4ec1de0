import { describe, expect, it } from 'vitest';
import { findTask, reset } from '../../src/domain/index.js';
import { createMemoryStore } from '../../src/server/sessions.js';

const session = (id: string) => ({ id, task_id: 'task_easy', episode: reset(findTask('task_easy')!) });

describe('memory session store', () => {
  it('expires idle sessions after the TTL, and activity keeps them alive', () => {
    let t = 0;
    const store = createMemoryStore({ maxSessions: 10, ttlMs: 1000, now: () => t, autoSweep: false });
    store.put(session('a'));
    store.put(session('b'));
    t = 900;
    expect(store.get('a')).toBeDefined();
    t = 1500;
    expect(store.get('a')).toBeDefined();
    expect(store.get('b')).toBeUndefined();
    t = 3000;
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(0);
  });

  it('refuses new sessions at the cap, but makes room by dropping expired ones', () => {
    let t = 0;
    const store = createMemoryStore({ maxSessions: 1, ttlMs: 1000, now: () => t, autoSweep: false });
    expect(store.put(session('a'))).toBe(true);
    expect(store.put(session('b'))).toBe(false);
    expect(store.put(session('a'))).toBe(true);
    t = 5000;
    expect(store.put(session('b'))).toBe(true);
  });

  it('holds sessions as plain JSON', () => {
    const store = createMemoryStore({ maxSessions: 1, ttlMs: 1000, autoSweep: false });
    store.put(session('a'));
    const s = store.get('a')!;
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    store.close();
  });
});
