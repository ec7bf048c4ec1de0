import { describe, expect, it } from 'vitest';
import { TEXT_RULES } from '../../src/domain/scoring.js';
import { claimedRootCauses, normalize, proseStats } from '../../src/domain/text.js';

const services = ['redis-cache', 'inventory-service', 'checkout-service', 'postgres-db', 'config-service', 'auth-service'];
const claims = (t: string) => claimedRootCauses(t, services);

describe('root-cause claims in free text', () => {
  it.each([
    ['Root cause: redis-cache ran out of memory', ['redis-cache']],
    ['redis-cache running out of memory caused inventory-service to fall back', ['redis-cache']],
    ['The outage was caused by postgres-db hitting max_connections', ['postgres-db']],
    ['The root cause was not checkout-service but redis-cache', ['redis-cache']],
    ['root cause: either redis-cache or postgres-db', ['postgres-db', 'redis-cache']],
    // Without a cause phrase a text names its subject (and whatever is joined to it by or/and).
    ['checkout-service timed out waiting for inventory-service', ['checkout-service']],
    ['redis-cache or postgres-db, not sure which', ['postgres-db', 'redis-cache']],
    ['checkout-service v7.26.6 leaks DB connections (open transactions left on postgres-db)', ['checkout-service']],
    ['No fault: the checkout-service alert was a transient blip from planned maintenance', []],
    ['redis cache is out of memory', ['redis-cache']],
    ['Root cause: config-service pushed the secret to only 2 of 3 auth-service replicas', ['config-service']],
    ['nothing to say', []],
  ])('%s', (text, expected) => {
    expect(claims(text)).toEqual(expected);
  });

  it('folds case, underscores and dashes', () => {
    expect(normalize('Redis_Cache  --  OOM')).toBe('redis cache oom');
  });

  it('reads long adversarial text correctly (every cause phrase far from the one service named)', () => {
    const text = 'root cause '.repeat(2000) + 'redis-cache or '.repeat(500);
    expect(claims(text)).toEqual(['redis-cache']);
    expect(claims('root cause: '.repeat(3000))).toEqual([]);
  });
});

describe("a postmortem's own root-cause field", () => {
  const field = (t: string) => claimedRootCauses(t, services, true);
  it('attributes the first service after the cause phrase, however far in its sentence', () => {
    const text = 'The root cause was a regional outage of the external payment provider, reached through postgres-db';
    expect(claims(text)).toEqual([]);
    expect(field(text)).toEqual(['postgres-db']);
  });

  it('still ignores a service ruled out, and reads a second fault named as where a fault was', () => {
    expect(field('The root cause was not checkout-service but, after a long look at the evidence, redis-cache')).toEqual(['redis-cache']);
    expect(field('postgres-db was the root cause. A second, masked fault was in auth-service: a release without timeouts')).toEqual(['auth-service', 'postgres-db']);
  });

  it('with several faults, reads each root given a clause of its own, but not a victim named in a consequence', () => {
    const two = (t: string) => claimedRootCauses(t, services, true, 2);
    expect(two("Root cause: redis-cache's certificate expired, and (independently) postgres-db's clock drifted by 712 s")).toEqual(['postgres-db', 'redis-cache']);
    expect(two('Root cause: redis-cache was CPU-throttled after its limit was cut; postgres-db ran full-table scans after an index was dropped')).toEqual(['postgres-db', 'redis-cache']);
    expect(two('Root cause: redis-cache ran out of memory, and checkout-service failed as a result')).toEqual(['redis-cache']);
    // "Root cause: A … and B …", with an "and" of its own inside a parenthesis about A.
    expect(two('Root cause: redis-cache clock skew (its host lost its time sources and its clock drifted 164 s ahead) and postgres-db thread pool exhaustion after release v9.11.0')).toEqual(['postgres-db', 'redis-cache']);
    expect(two('Root cause: redis-cache clock skew and postgres-db thread pool exhaustion')).toEqual(['postgres-db', 'redis-cache']);
    expect(two('Root cause: redis-cache clock skew and checkout-service timed out')).toEqual(['redis-cache']);
    // A failure said well into a root's own clause is its mechanism, not a consequence.
    expect(two('Root cause: redis-cache was CPU-throttled on node worker-pool-b-15, and postgres-db had a circuit breaker on its dependency stuck open (its half-open probe failed with 404)')).toEqual(['postgres-db', 'redis-cache']);
    expect(two("Root cause: redis-cache ran out of memory, and checkout-service's callers timed out")).toEqual(['redis-cache']);
    // One fault: a second clause is never read as a second root (that would be a hedge).
    expect(claimedRootCauses("Root cause: redis-cache's certificate expired, and postgres-db's clock drifted", services, true, 1)).toEqual(['redis-cache']);
    expect(claimedRootCauses('Root cause: redis-cache clock skew and postgres-db thread pool exhaustion', services, true, 1)).toEqual(['redis-cache']);
  });

  it('that opens with a cause phrase naming nobody names its roots in the next sentence', () => {
    const two = (t: string) => claimedRootCauses(t, services, true, 2);
    expect(two('Root cause: two independent faults. redis-cache ran out of memory with eviction disabled, and postgres-db fell behind on replication')).toEqual(['postgres-db', 'redis-cache']);
    expect(field('Root cause: a single fault. redis-cache ran out of memory, and checkout-service failed as a result')).toEqual(['redis-cache']);
  });
});

describe('root-cause statements as people write them', () => {
  it.each([
    ['Root cause of the checkout-service/inventory-service errors: redis-cache ran out of memory', ['redis-cache']],
    ['The root cause of the inventory-service errors is postgres-db', ['postgres-db']],
    ['The checkout-service error spike was caused by a planned host rotation', []],
    ['No fault: the checkout-service error spike was caused by a planned host rotation and recovered by itself', []],
  ])('%s', (text, expected) => {
    expect(claims(text)).toEqual(expected);
  });
});

describe('terse technical prose is prose', () => {
  it('a one-line fix note with few function words is not a keyword list; a long list of keywords is', () => {
    const isList = (t: string) => {
      const { words, functionShare } = proseStats(t);
      return words >= TEXT_RULES.keywordListMinWords && functionShare < TEXT_RULES.minFunctionShare;
    };
    expect(isList('revert settings-store rev 3741, whose catastrophic regex filter pegs subscriptions-api workers.')).toBe(false);
    expect(isList('rollback payments-api v2.3: null deref crashes checkout workers after release')).toBe(false);
    expect(isList('redis memory oom eviction connection pool exhaustion deploy rollback dns certificate expired leak throttling')).toBe(true);
  });
});
