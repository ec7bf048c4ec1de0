/**
 * Dashboards are configured by kind of service: every service of a kind shows the same readings,
 * so opening dashboards and looking for the one with an extra reading never finds the root.
 */
import { describe, expect, it } from 'vitest';
import { generatedTask, type Task } from '../../src/domain/index.js';
import { baselineDetail } from '../../src/domain/generator/baseline.js';
import { createRng } from '../../src/domain/generator/rng.js';
import type { Tier } from '../../src/domain/generator/types.js';
import { tierOf } from '../../src/agents/rule.js';

const TIERS: Tier[] = ['edge', 'api', 'worker', 'cache', 'db', 'queue', 'config', 'secrets', 'auth', 'dns', 'thirdparty'];
// Each kind's healthy readings (train-split names), largest first: a service is of the largest kind whose readings it all shows.
const SIGNATURES = TIERS.map((tier) => ({ tier, keys: Object.keys(baselineDetail(createRng(tier), { name: 'x', tier, owner: 'x', depends_on: [], domain: 'x', replicas: 3 })) })).sort((a, b) => b.keys.length - a.keys.length);

function readings(task: Task, name: string): Set<string> {
  const d = task.scenario.generated!.dynamics.services[name]!;
  return new Set([...Object.keys(task.serviceByName.get(name)!.detail ?? {}), ...Object.keys(d.detail_impacted), ...Object.keys(d.latent ?? {})]);
}
const kindOf = (keys: Set<string>) => SIGNATURES.find((s) => s.keys.every((k) => keys.has(k)))?.tier;

describe('dashboards', () => {
  it("show a root's readings on every service of its kind (800 train incidents)", () => {
    let compared = 0;
    for (const difficulty of ['easy', 'medium', 'hard', 'expert'] as const) {
      for (let seed = 0; seed < 200; seed++) {
        const task = generatedTask({ seed, difficulty, split: 'train', family: null });
        const kinds = new Map([...task.serviceByName.keys()].map((n) => [n, kindOf(readings(task, n))]));
        for (const f of task.scenario.generated!.faults) {
          // A config store and a secrets store show the same healthy readings: their kind is not told apart here.
          if (['config', 'secrets'].includes(kinds.get(f.root_cause) ?? '')) continue;
          const own = readings(task, f.root_cause);
          for (const peer of [...task.serviceByName.keys()].filter((n) => n !== f.root_cause && kinds.get(n) === kinds.get(f.root_cause))) {
            const theirs = readings(task, peer);
            // A database pool shows only where there is a database (the graph says which services have one).
            const pooled = task.serviceByName.get(peer)!.depends_on.some((d) => tierOf(d) === 'db');
            const missing = [...own].filter((k) => !theirs.has(k) && (pooled || !k.startsWith('db_pool_')));
            expect(missing, `${difficulty} ${seed}: ${f.root_cause} vs ${peer}`).toEqual([]);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('show a database pool only on services with a database, its counts adding up', () => {
    let pools = 0;
    for (let seed = 0; seed < 200; seed++) {
      const task = generatedTask({ seed, difficulty: 'hard', split: seed % 2 ? 'test' : 'train', family: seed % 4 ? null : 'connection_leak' });
      for (const [name, spec] of task.serviceByName) {
        const d = spec.detail;
        if (d.db_pool_size === undefined) continue;
        expect(spec.depends_on.some((dep) => tierOf(dep) === 'db'), name).toBe(true);
        if (d.db_pool_in_use !== undefined && d.db_pool_idle !== undefined) expect(d.db_pool_in_use + d.db_pool_idle, name).toBe(d.db_pool_size);
        pools++;
      }
    }
    expect(pools).toBeGreaterThan(20);
  });
});

describe('settings', () => {
  it("a root's settings (pool size, thread pool, memory limit, latest secret version) do not drift as its fault fades", async () => {
    const { oracleAgent } = await import('../../src/agents/oracle.js');
    const { runInProcess } = await import('../../src/eval/in-process.js');
    const SETTINGS = ['max_threads', 'db_pool_size', 'memory_limit_mb', 'secret_version_latest'];
    let checked = 0;
    for (const family of ['thread_pool_exhaustion', 'connection_leak', 'memory_leak', 'database_credential_mismatch', 'partial_secret_rotation']) {
      for (let seed = 0; seed < 6; seed++) {
        const task = generatedTask({ seed, difficulty: 'hard', split: 'train', family });
        const root = task.scenario.generated!.faults[0]!.root_cause;
        const run = await runInProcess(task, oracleAgent, seed, true);
        for (const key of SETTINGS) {
          const seen = new Set(run.observations.map((o) => o.metrics[root]?.[key]).filter((v) => v !== undefined));
          if (seen.size) checked++;
          expect(seen.size, `${family} seed ${seed} ${root}.${key}: ${[...seen].join(' → ')}`).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
