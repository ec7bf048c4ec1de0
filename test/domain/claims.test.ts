/**
 * Which failure mechanisms a text claims (the stuffing and wrong-first-mechanism rules read them):
 * naming the change one made is not claiming a failure its words resemble, and words that only
 * look alike ("the worker pool filled") claim nothing.
 */
import { describe, expect, it } from 'vitest';
import { generatedTask } from '../../src/domain/index.js';
import { readText } from '../../src/domain/reading.js';
import { assessIncidentReport } from '../../src/domain/postmortem.js';

describe('claimed mechanisms', () => {
  it('a cache named by its product ("ledger-memcached is out of memory, eviction disabled") claims a cache out of memory', () => {
    for (const split of ['train', 'test'] as const) {
      const task = generatedTask({ seed: 11, difficulty: 'medium', split, family: 'cache_oom' });
      const cache = task.scenario.generated!.faults[0]!.root_cause;
      expect(cache).toMatch(/redis|memcached/);
      const text = `${cache} is out of memory (used 100%, evictions 0, eviction disabled) so its callers fall back to the slow path through the database`;
      expect(readText(task, text, 'note').mechanisms).toEqual(['cache_oom']);
    }
  });

  it('a backlog said in other words ("grew past 1.4M ready messages") is the backlog of a stuck consumer', () => {
    const task = generatedTask({ seed: 6, difficulty: 'easy', split: 'test', family: 'queue_backlog' });
    const f = task.scenario.generated!.faults[0]!;
    const text = JSON.stringify({ root_cause: `Root cause: ${f.root_cause}.`, mechanism: `A poison message too large for the consumer was redelivered forever, so ${f.root_cause} was stuck and its queue grew past 1.4M ready messages.` });
    expect(assessIncidentReport(task, text, new Set()).parts.mechanism).toBe(1);
  });
  it('a certificate renewed with renew_credentials@… claims a certificate expiry, not an expired API credential', () => {
    const task = generatedTask({ seed: 3, difficulty: 'hard', split: 'test', family: 'certificate_expiry' });
    const root = task.scenario.generated!.faults[0]!.root_cause;
    const text = `Root cause: ${root}. Its TLS certificate expired, so every client handshake failed. We applied renew_credentials@${root}; the renewed certificate loaded and errors stopped.`;
    expect(readText(task, text, 'postmortem').mechanisms).toEqual(['certificate_expiry']);
    // The same words about an API key still claim it: only the fix's own name is set aside.
    expect(readText(task, `${text} The provider's API credential had also expired.`, 'postmortem').mechanisms).toContain('expired_api_credential');
  });

  it('"the worker pool filled" beside a disk alert ruled out claims no full disk; "the disk filled up" does', () => {
    const task = generatedTask({ seed: 4, difficulty: 'hard', split: 'test', family: 'connection_pool_exhaustion' });
    const root = task.scenario.generated!.faults[0]!.root_cause;
    const calm = `Root cause: ${root}. Its connection limit was lowered, so the worker pool filled while callers waited; the disk alert on another host was stable.`;
    expect(readText(task, calm, 'postmortem').mechanisms).not.toContain('disk_full');
    expect(readText(task, `Root cause: ${root}. The disk filled up with logs.`, 'postmortem').mechanisms).toContain('disk_full');
  });

  it("a structured postmortem's impact and timeline describe symptoms, and a release ruled out claims nothing: two real faults are not stuffing", () => {
    const task = generatedTask({ seed: 5, difficulty: 'expert', split: 'test', family: 'memory_leak' });
    const pm = JSON.stringify({
      root_cause: 'Root cause: orders-api memory leak and orders-mysql connection limit exhaustion (two faults).',
      mechanism: 'orders-api leaked memory until its pods were OOM-killed; once it came back, orders-mysql ran out of connections (max_connections 100, all used), so queries queued and timed out.',
      trigger: 'The leak built up until pods hit their limit; a rollback changed nothing, so no recent release caused it. The connection limit was low for full load.',
      impact: 'orders-api errors; its callers saw a worker pool saturated, blocked on orders-api; users saw errors at the edge.',
      timeline: '09:07 heap warning; 09:29 crash loop; 09:56 restart; 10:12 Too many connections; 10:25 limit raised.',
      remediation: 'restart@orders-api, then raise_connection_limit@orders-mysql.',
      prevention: 'Heap profiling, memory alerts, size max_connections for full load.',
    });
    const r = readText(task, pm, 'postmortem');
    expect(r.mechanisms).toEqual(expect.arrayContaining(['connection_pool_exhaustion', 'memory_leak']));
    // Not the caller's saturated worker pool (impact), not the release it ruled out (trigger).
    expect(r.mechanisms).not.toContain('thread_pool_exhaustion');
    expect(r.mechanisms).not.toContain('bad_deploy');
    expect(r.flaw).toBeNull();
    // The same words stuffed into the fields that claim a cause are still read as claims.
    const stuffed = JSON.parse(pm) as Record<string, string>;
    stuffed.mechanism += ' Also a release threw a null pointer exception, threads were exhausted with no timeout, and a connection leak never returned connections to the pool.';
    expect(readText(task, JSON.stringify(stuffed), 'postmortem').mechanisms.length).toBeGreaterThanOrEqual(4);
  });
});
