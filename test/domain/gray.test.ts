/**
 * Gray failures: a root answering from its fallback (HTTP 200) after a circuit breaker stuck
 * open. Nobody logs an error and callers see success; business throughput falls on every API
 * above the root, the root counts fallback answers, and the remedy brings the throughput back.
 */
import { describe, expect, it } from 'vitest';
import { ruleAgent } from '../../src/agents/rule.js';
import { firingAtDetection, generatedTask, observe, reset, type Task } from '../../src/domain/index.js';
import { runInProcess } from '../../src/eval/in-process.js';
import { playActions } from '../helpers/step.js';

const DIFFICULTIES = ['medium', 'hard', 'expert'] as const;
const gray: { seed: number; task: Task }[] = [];
for (const difficulty of DIFFICULTIES) {
  for (const split of ['train', 'test'] as const) {
    for (let seed = 61_000; seed < 61_020; seed++) gray.push({ seed, task: generatedTask({ seed, difficulty, split, family: 'silent_fallback' }) });
  }
}

const fault = (task: Task) => task.scenario.generated!.faults.find((f) => f.family === 'silent_fallback')!;
const loud = (lines: readonly string[]) => lines.filter((l) => / (WARN|ERROR|FATAL) /.test(l));
const throughputKey = (metrics: Record<string, number>) => Object.keys(metrics).find((k) => k.endsWith('_vs_last_week_pct'));
/** The dependency the root's breaker guards, as its log names it. */
const guarded = (task: Task) => {
  const f = fault(task);
  const breaker = task.serviceByName.get(f.root_cause)!.logs.find((l) => /breaker/i.test(l))!;
  return task.serviceByName.get(f.root_cause)!.depends_on.find((d) => breaker.includes(`${d}'`) || breaker.includes(`${d}:`))!;
};
const everything = (task: Task) => {
  const ep = reset(task, {});
  return observe(task, { ...ep, investigated: [...task.serviceByName.keys()].map((service, i) => ({ service, step: i + 1, minute: 0 })) });
};

describe('gray failures (a circuit breaker stuck open)', () => {
  it('callers see success: their readings do not move and nothing they log is about the fault', () => {
    for (const { task } of gray) {
      const g = task.scenario.generated!;
      if (g.faults.length !== 1) continue;
      const f = fault(task);
      for (const s of f.affected) {
        const dyn = g.dynamics.services[s]!;
        expect(dyn.impacted, s).toEqual({});
        // What a caller shows, beyond its throughput, is only what production always shows.
        for (const l of loud(task.serviceByName.get(s)!.logs)) expect(l).not.toMatch(new RegExp(`${f.root_cause}|breaker|fallback`));
      }
      // The root fails no request and answers faster than usual.
      const root = task.serviceByName.get(f.root_cause)!;
      const dyn = g.dynamics.services[f.root_cause]!;
      expect(dyn.impacted.error_rate ?? root.overview.error_rate!).toBeLessThan(0.01);
      expect(dyn.impacted.latency_p99_ms!).toBeLessThan(root.overview.latency_p99_ms!);
    }
  });

  it('show as business throughput paging on a user-facing API above the root, never on the root itself', () => {
    for (const { task } of gray) {
      const f = fault(task);
      const firing = firingAtDetection(task);
      const alerts = observe(task, reset(task, {})).alerts.filter((a) => /_vs_last_week_pct=/.test(a));
      expect(alerts.length, task.scenario.title).toBeGreaterThan(0);
      expect(firing).not.toContain(f.root_cause);
      expect(alerts.some((a) => a.includes(`] ${f.root_cause}:`))).toBe(false);
    }
  });

  it('the root\'s dashboard tells: fallback answers, a breaker open, throughput lost; its API dependencies\' throughput is normal', () => {
    for (const { task } of gray) {
      const f = fault(task);
      const obs = everything(task);
      const m = obs.metrics[f.root_cause]!;
      const fallbacks = Object.entries(m).find(([k]) => k.endsWith('responses_per_min') && !k.startsWith('http'))!;
      expect(fallbacks[1]).toBeGreaterThan(1000);
      expect(m[throughputKey(m)!]).toBeLessThan(60);
      // Every other API whose throughput fell calls the root, directly or not (nothing below the root lost any).
      for (const [name, readings] of Object.entries(obs.metrics)) {
        const k = throughputKey(readings);
        if (!k || name === f.root_cause || readings[k]! >= 80 || task.scenario.generated!.faults.length > 1) continue;
        expect(task.scenario.generated!.dynamics.services[name]!.fault, name).toBe(task.scenario.generated!.faults.indexOf(f));
      }
      // The dependency it guards blipped just before the breaker opened, and is healthy.
      const dep = guarded(task);
      expect(dep).toBeDefined();
      expect(loud(obs.logs[dep]!).length).toBeGreaterThan(0);
      // (In a double fault the other fault may reach it too; the breaker stays open after that one is fixed.)
      if (task.scenario.generated!.faults.length === 1) expect(obs.metrics[dep]!.error_rate).toBeLessThan(0.05);
    }
  });

  it('the remedy brings throughput back and the alert shows RESOLVED; a change to the guarded dependency does not', () => {
    for (const { task } of gray.filter((x) => x.task.scenario.generated!.faults.length === 1)) {
      const f = fault(task);
      const wait = Array.from({ length: 6 }, () => ({ action_type: 'investigate' as const, target: f.root_cause }));
      const fixed = observe(task, playActions(task, [{ action_type: 'apply_fix', target: f.fix }, ...wait]));
      expect(fixed.alerts.filter((a) => /_vs_last_week_pct=/.test(a) && !a.startsWith('[RESOLVED]'))).toEqual([]);
      expect(fixed.alerts.some((a) => a.startsWith('[RESOLVED]') && /_vs_last_week_pct=/.test(a))).toBe(true);
      const onDep = task.scenario.fixes.map((x) => x.id).filter((id) => id.endsWith(`@${guarded(task)}`));
      const wrong = observe(task, playActions(task, [{ action_type: 'apply_fix', target: onDep.find((id) => id.startsWith('restart@')) ?? onDep[0]! }, ...wait]));
      expect(wrong.alerts.filter((a) => /_vs_last_week_pct=/.test(a) && !a.startsWith('[RESOLVED]')).length).toBeGreaterThan(0);
    }
  });

  it('a release\'s broken probe shows on the dependency too, where sampling never drops it; a stuck breaker\'s trial calls do not', () => {
    for (const { task } of gray) {
      const f = fault(task);
      const dep = guarded(task);
      const probed = task.serviceByName.get(dep)!.logs.filter((l) => l.includes(`${f.root_cause}`) && / WARN /.test(l));
      if (f.variant === 'probe_path') expect(probed.length, dep).toBe(2);
      if (f.variant === 'stuck_open') expect(probed).toEqual([]);
    }
  });

  it('where a loud fault reaches an API a gray one does, the API shows the errors, and the business neither failed', () => {
    let shared = 0;
    for (let seed = 0; seed < 400 && shared < 5; seed++) {
      const task = generatedTask({ seed: 63_000 + seed, difficulty: 'expert', split: 'train', family: null });
      const g = task.scenario.generated!;
      const gi = g.faults.findIndex((x) => x.family === 'silent_fallback');
      if (gi < 0 || g.faults.length < 2) continue;
      for (const [name, d] of Object.entries(g.dynamics.services)) {
        if (!d.also.includes(gi) || d.fault === gi || d.hop === 0) continue;
        const gray = d.profiles?.[gi]?.detail_impacted.transactions_vs_last_week_pct;
        if (gray === undefined || d.detail_impacted.http_5xx_per_min === undefined) continue;
        shared++;
        const healthy = task.serviceByName.get(name)!.detail.transactions_vs_last_week_pct!;
        expect(d.impacted.error_rate, name).toBeGreaterThan(0.01);
        expect(d.detail_impacted.transactions_vs_last_week_pct!).toBeLessThan(gray);
        expect(d.detail_impacted.transactions_vs_last_week_pct!).toBeLessThan(healthy * (1 - d.impacted.error_rate!) + 1);
      }
    }
    expect(shared).toBeGreaterThan(0);
  });

  it('the test split draws a variant the train split never does, fixed by a different remedy', () => {
    const variants = (split: string) => new Set(gray.filter((x) => x.task.scenario.generated!.params.split === split).map((x) => fault(x.task).variant));
    expect([...variants('train')]).toEqual(['stuck_open']);
    expect(variants('test').has('probe_path')).toBe(true);
    const probe = gray.find((x) => fault(x.task).variant === 'probe_path')!;
    expect(fault(probe.task).fix.startsWith('rollback@')).toBe(true);
    expect(fault(probe.task).mitigations[0]!.startsWith('restart@')).toBe(true);
  });

  it('make up about a third of expert incidents and a fifth of hard ones, and none below', () => {
    const share = (difficulty: 'medium' | 'hard' | 'expert') => {
      let n = 0;
      for (let seed = 0; seed < 300; seed++) if (generatedTask({ seed: 62_000 + seed, difficulty, split: 'test', family: null }).scenario.generated!.faults.some((f) => f.family === 'silent_fallback')) n++;
      return n / 300;
    };
    expect(share('expert')).toBeGreaterThan(0.25);
    expect(share('hard')).toBeGreaterThan(0.12);
    expect(share('expert')).toBeGreaterThan(share('hard'));
    // From medium down it is one family among two dozen.
    expect(share('medium')).toBeLessThan(0.1);
  });

  it('a responder that compares dashboards down the call graph finds the root in most of them', async () => {
    let found = 0;
    for (const { seed, task } of gray) {
      const run = await runInProcess(task, ruleAgent, seed);
      if (run.steps.some((s) => s.action.action_type === 'escalate' && s.action.target === fault(task).team)) found++;
    }
    expect(found / gray.length).toBeGreaterThanOrEqual(0.8);
  });
});
