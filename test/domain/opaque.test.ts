/**
 * Expert callers with thin error logging: for about half the faults, the services a fault reaches
 * log only their own failing requests, so no line names the root. The incident stays fair: the
 * root is within two calls of a service that alerts, the budget covers checking the root's siblings,
 * and an evidence-following responder that reads only observations still finds it.
 */
import { describe, expect, it } from 'vitest';
import { ruleAgent } from '../../src/agents/rule.js';
import { firingAtDetection, generatedTask, type Task } from '../../src/domain/index.js';
import { runInProcess } from '../../src/eval/in-process.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => 400_000 + i);

function unnamedRoots(task: Task): string[] {
  const g = task.scenario.generated!;
  return g.faults
    // A gray failure's callers log nothing at all (test/domain/gray.test.ts covers it).
    .filter((f) => f.masked_by === undefined && f.family !== 'silent_fallback')
    .filter((f) => {
      const address = g.dynamics.services[f.root_cause]!.address;
      return ![...task.serviceByName.values()].some((s) => s.name !== f.root_cause && s.logs.some((l) => l.includes(f.root_cause) || l.includes(address)));
    })
    .map((f) => f.root_cause);
}

const expert = SEEDS.map((seed) => ({ seed, task: generatedTask({ seed, difficulty: 'expert', split: 'test', family: null }) }));
const opaque = expert.filter(({ task }) => unnamedRoots(task).length > 0);

describe('callers that name no dependency (expert)', () => {
  it('happen in a fifth or more of expert incidents, far more often than in hard ones', () => {
    expect(opaque.length / expert.length).toBeGreaterThan(0.15);
    const hard = SEEDS.filter((seed) => unnamedRoots(generatedTask({ seed, difficulty: 'hard', split: 'test', family: null })).length > 0);
    expect(opaque.length).toBeGreaterThan(hard.length * 1.5);
  });

  it('the failing callers log their own requests only: status, path and duration, no peer', () => {
    for (const { task } of opaque) {
      const g = task.scenario.generated!;
      // Edge proxies and connectors (reached on :443) are roots no caller of theirs would name anyway.
      for (const root of unnamedRoots(task).filter((r) => !g.dynamics.services[r]!.address.endsWith(':443'))) {
        const fault = g.faults.find((f) => f.root_cause === root)!;
        const callers = fault.affected.filter((s) => !g.dynamics.services[s]!.address.endsWith(':443'));
        // (An identity service that misses a signing key warns of each token it cannot verify.)
        const lines = callers.flatMap((s) => task.serviceByName.get(s)!.logs.filter((l) => / (ERROR|WARN) /.test(l)));
        expect(lines.length).toBeGreaterThan(0);
        // A DNS fault's callers log their own failing connections to the address a name resolved to,
        // or the lookup that failed (they name the record, never the DNS server); a configuration
        // watcher logs the revision it applied and what it broke, never the store it came from; a
        // client left with an old password logs the database refusing it.
        expect(lines.some((l) => /status=5\d\d|\b5\d\d \d+ms|5\d\d after \d+ms|handler (error|returned error)|blocked on outbound|waiting on downstream|Repository|Client|Gateway|\(resolved [a-z0-9.-]+\)|ENOTFOUND|no such host|config rev(ision)? \d+|after rev \d+|Access denied|password authentication failed|no key for kid|unknown kid/.test(l))).toBe(true);
      }
    }
  });

  it('every unnamed root is within two calls of a service alerting at detection, and the budget covers checking its siblings', () => {
    for (const { task } of opaque) {
      const g = task.scenario.generated!;
      const firing = new Set(firingAtDetection(task));
      for (const root of unnamedRoots(task)) {
        // The root, a caller of it, or a caller of such a caller fires (the callers in between show raised errors).
        const callersOf = (names: string[]) => [...task.serviceByName.values()].filter((s) => s.depends_on.some((d) => names.includes(d))).map((s) => s.name);
        const near = [root, ...callersOf([root]), ...callersOf(callersOf([root]))];
        expect(near.some((n) => firing.has(n)), `${root} is near an alert`).toBe(true);
      }
      // The budget lasts 1.1 times a reference that checks every sibling of the root below the alerting caller.
      expect(g.dynamics.burn_per_min * g.dynamics.reference_minutes * 1.1).toBeCloseTo(100, -1);
    }
  });

  it('a responder that reads only observations finds most unnamed roots by checking shared dependencies', async () => {
    // Every unnamed root counts, in single- and double-fault incidents alike.
    let found = 0;
    let roots = 0;
    for (const { seed, task } of opaque) {
      const run = await runInProcess(task, ruleAgent, seed);
      for (const root of unnamedRoots(task)) {
        roots++;
        if (run.steps.some((s) => s.action.action_type === 'investigate' && s.action.target === root)) found++;
      }
    }
    expect(roots).toBeGreaterThan(10);
    expect(found / roots).toBeGreaterThanOrEqual(0.8);
  });
});
