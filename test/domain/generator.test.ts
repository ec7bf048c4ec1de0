import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIFFICULTIES, FAMILIES, KNOBS, SPLITS, assessIncidentReport, generateScenario, generatedTask, observe, reset, state,
} from '../../src/domain/index.js';
import { oracleAgent } from '../../src/agents/index.js';
import { runInProcess } from '../../src/eval/in-process.js';
import { act } from '../helpers/step.js';
import { measureValidity } from '../../src/eval/validity.js';

const params = fc.record({
  seed: fc.nat({ max: 1_000_000 }),
  difficulty: fc.constantFrom(...DIFFICULTIES),
  split: fc.constantFrom(...SPLITS),
  family: fc.option(fc.constantFrom(...FAMILIES.map((f) => f.id)), { nil: null }),
});


describe('scenario generator', () => {
  it('the same parameters always give the same incident, byte for byte', () => {
    fc.assert(
      fc.property(params, (p) => {
        expect(JSON.stringify(generateScenario(p))).toBe(JSON.stringify(generateScenario(p)));
      }),
      { numRuns: 40 },
    );
  });

  it('different seeds give different incidents', () => {
    const a = JSON.stringify(generateScenario({ seed: 1, difficulty: 'hard', split: 'train', family: null }));
    const b = JSON.stringify(generateScenario({ seed: 2, difficulty: 'hard', split: 'train', family: null }));
    expect(a).not.toBe(b);
  });

  it('has at least 23 families with two or more signatures each, usable on both splits and rooted where it says', () => {
    expect(FAMILIES.length).toBeGreaterThanOrEqual(23);
    for (const family of FAMILIES) expect(family.variants.length).toBeGreaterThanOrEqual(2);
    for (const family of FAMILIES) {
      for (const split of SPLITS) {
        for (let seed = 0; seed < 5; seed++) {
          const s = generateScenario({ seed, difficulty: 'medium', split, family: family.id });
          const f = s.generated!.faults[0]!;
          expect(f.family).toBe(family.id);
          expect(s.services.some((x) => x.name === f.root_cause)).toBe(true);
          expect(s.fixes.some((x) => x.id === f.fix)).toBe(true);
          expect(f.fix).toMatch(/^[a-z_]+@[a-z0-9-]+$/);
          expect(s.fixes.length).toBeGreaterThanOrEqual(10);
          expect(s.fixes.map((x) => x.id)).toEqual(s.fixes.map((x) => x.id).sort());
          expect(s.teams).toContain(f.team);
        }
      }
    }
  });

  it('sizes topologies by difficulty (5-30 services)', () => {
    fc.assert(
      fc.property(params, (p) => {
        const s = generateScenario(p);
        const [lo, hi] = KNOBS[p.difficulty].size;
        expect(s.services.length).toBeGreaterThanOrEqual(lo);
        expect(s.services.length).toBeLessThanOrEqual(hi);
      }),
      { numRuns: 60 },
    );
  });

  it('train and test never share a service or team name, so no train parameters can produce a test incident', () => {
    const names = (split: 'train' | 'test') => {
      const out = new Set<string>();
      for (const difficulty of DIFFICULTIES) for (let seed = 0; seed < 25; seed++) {
        const s = generateScenario({ seed, difficulty, split, family: null });
        for (const x of s.services) out.add(x.name);
        for (const t of s.teams) out.add(t);
      }
      return out;
    };
    const train = names('train');
    const test = names('test');
    expect([...test].filter((n) => train.has(n))).toEqual([]);
  });

  it('expert includes no-fault control episodes and double faults', () => {
    const counts = { control: 0, double: 0 };
    for (let seed = 0; seed < 80; seed++) {
      const n = generateScenario({ seed, difficulty: 'expert', split: 'train', family: null }).generated!.faults.length;
      if (n === 0) counts.control++;
      if (n === 2) counts.double++;
    }
    expect(counts.control).toBeGreaterThan(0);
    expect(counts.double).toBeGreaterThan(0);
  });

  it('every log line carries a unique evidence id', () => {
    fc.assert(
      fc.property(params, (p) => {
        const s = generateScenario(p);
        const ids = s.services.flatMap((x) => x.logs.map((l) => l.slice(1, 8)));
        for (const id of ids) expect(id).toMatch(/^ev-[0-9a-f]{4}$/);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 40 },
    );
  });
});

describe('generated episodes', () => {
  const hard = () => generatedTask({ seed: 7, difficulty: 'hard', split: 'train', family: 'connection_pool_exhaustion' });

  it('never shows the ground truth before the end', () => {
    fc.assert(
      fc.property(params, (p) => {
        const task = generatedTask(p);
        const g = task.scenario.generated!;
        let ep = reset(task);
        ep = act(task, ep, { action_type: 'no_op', target: '' }).episode;
        const obs = JSON.stringify(observe(task, ep));
        const st = state(task, ep);
        const stJson = JSON.stringify(st);
        expect(st.ground_truth).toBeNull();
        expect(st).not.toHaveProperty('faults');
        for (const f of g.faults) {
          expect(stJson).not.toContain(f.fix);
          expect(stJson).not.toContain(f.mechanism);
          expect(obs).not.toContain(f.mechanism);
          if (!p.family) expect(obs + stJson).not.toContain(f.family);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('reveals the full explanation after the end', async () => {
    const task = hard();
    const run = await runInProcess(task, oracleAgent, 7);
    expect(run.final.done).toBe(true);
    expect(run.final.score).toBeGreaterThanOrEqual(0.95);
    expect(run.final.faults).toHaveLength(1);
    expect(run.final.rubric.map((r) => r.id)).toEqual(['localize', 'diagnose', 'escalate', 'mitigate', 'postmortem', 'efficiency']);
    expect(JSON.stringify(run.final.rubric)).toContain(task.scenario.generated!.faults[0]!.fix);
  });

  it('each action costs simulated minutes; the error budget burns until the fix; metrics recover after it', () => {
    const task = hard();
    const f = task.scenario.generated!.faults[0]!;
    let ep = reset(task);
    const o0 = observe(task, ep);
    expect(o0.elapsed_minutes).toBe(0);
    expect(o0.error_budget_remaining_pct).toBe(100);
    const edge = [...task.serviceByName.values()].sort((a, b) => b.depends_on.length - a.depends_on.length)[0]!;
    const leaf = [...task.serviceByName.values()].find((s) => s.depends_on.length === 0)!;
    const e1 = act(task, ep, { action_type: 'investigate', target: edge.name }).episode;
    const e2 = act(task, ep, { action_type: 'investigate', target: leaf.name }).episode;
    expect(e1.minutes).toBeGreaterThan(e2.minutes);
    ep = act(task, ep, { action_type: 'investigate', target: f.root_cause }).episode;
    const before = observe(task, ep);
    expect(before.error_budget_remaining_pct as number).toBeLessThan(100);
    const rootErr = before.metrics[f.root_cause]!.error_rate!;
    ep = act(task, ep, { action_type: 'apply_fix', target: f.fix }).episode;
    const burnedAtFix = ep.budget_burned;
    for (let i = 0; i < 3; i++) ep = act(task, ep, { action_type: 'no_op', target: '' }).episode;
    const after = observe(task, ep);
    expect(after.metrics[f.root_cause]!.error_rate!).toBeLessThan(rootErr);
    expect(after.alerts.some((a) => a.startsWith('[RESOLVED]'))).toBe(true);
    expect(ep.budget_burned - burnedAtFix).toBeLessThan(burnedAtFix);
  });

  it('unresolved incidents spread: more services show symptoms as time passes', () => {
    let grew = 0;
    let tried = 0;
    for (let seed = 0; seed < 400 && tried < 10; seed++) {
      const task = generatedTask({ seed, difficulty: 'easy', split: 'test', family: null });
      const d = task.scenario.generated!.dynamics;
      // Incidents with a caller beyond the symptoms at detection (an edge proxy shows its upstreams' share at once).
      if (!Object.values(d.services).some((x) => x.hop !== null && x.hop > d.initial_depth && !x.forwards)) continue;
      tried++;
      let ep = reset(task);
      const firing = () => Object.entries(observe(task, ep).metrics).filter(([name, m]) => m.error_rate! > task.serviceByName.get(name)!.overview.error_rate! + 0.01).length;
      const start = firing();
      for (let i = 0; i < 12; i++) ep = act(task, ep, { action_type: 'no_op', target: '' }).episode;
      expect(firing()).toBeGreaterThanOrEqual(start);
      if (firing() > start) grew++;
    }
    expect(tried).toBe(10);
    expect(grew).toBeGreaterThan(5);
  });

  it('a wrong fix has a consequence', () => {
    for (let seed = 0; seed < 20; seed++) {
      const task = generatedTask({ seed, difficulty: 'medium', split: 'train', family: 'connection_pool_exhaustion' });
      const harmful = task.scenario.fixes.find((x) => task.scenario.generated!.dynamics.consequences[x.id]);
      if (!harmful) continue;
      const c = task.scenario.generated!.dynamics.consequences[harmful.id]!;
      const hit = c.services[0]!;
      let ep = reset(task);
      const before = observe(task, ep).metrics[hit]!.error_rate!;
      const o = act(task, ep, { action_type: 'apply_fix', target: harmful.id });
      ep = o.episode;
      // The reward says nothing; the damage shows in the metrics, as it would in production.
      expect(o.result.reward.value).toBe(0);
      expect(o.result.reward.reason).toBe(`applied ${harmful.id}`);
      const obs = observe(task, ep);
      expect(obs.metrics[hit]!.error_rate!).toBeGreaterThan(before);
      return;
    }
    throw new Error('no harmful fix found in 20 seeds');
  });

  it('postmortem citations count only for evidence the agent retrieved; stuffing earns at most a quarter', () => {
    const task = hard();
    const f = task.scenario.generated!.faults[0]!;
    const rootLogs = task.serviceByName.get(f.root_cause)!.logs;
    const ids = rootLogs.slice(0, 2).map((l) => l.slice(1, 8));
    const text = `Root cause: ${f.root_cause}. ${f.mechanism} Evidence: ${ids.join(' ')}.`;
    const seen = assessIncidentReport(task, text, new Set(ids));
    const unseen = assessIncidentReport(task, text, new Set());
    expect(seen.citations.valid).toEqual(ids);
    expect(unseen.citations.invalid).toEqual(ids);
    expect(seen.quality).toBeGreaterThan(unseen.quality);
    const stuffed = assessIncidentReport(task, `${f.root_cause} connection max connections limit exhausted batch raise alert restart flush rollback failover`, new Set());
    expect(stuffed.quality).toBeLessThanOrEqual(0.25);
  });
});

describe('validity (the full panel, as npm run validity runs it)', () => {
  it('meets every bound on 200 seeds per difficulty and split', async () => {
    const r = await measureValidity(200);
    expect(r.failures).toEqual([]);
    expect(r.unsolvable).toEqual([]);
    expect(r.nondeterministic).toEqual([]);
  }, 300_000);
});
