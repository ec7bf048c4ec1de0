/**
 * Retry floods (expert): callers retry a failing API or auth service without backoff, so its
 * restarts already fail under the retried load. The remedy holds only once load is shed at an
 * edge above it; tried before that, it falls over again (a new log line says so), the fault keeps
 * burning the budget, and the mitigate stage loses points.
 */
import { describe, expect, it } from 'vitest';
import { DIFFICULTIES, faultImpact, generatedTask, grade, observe, reset, type Action, type Episode, type Task } from '../../src/domain/index.js';
import { hopsFrom } from '../../src/domain/generator/generate.js';
import { ruleAgent } from '../../src/agents/rule.js';
import { runInProcess } from '../../src/eval/in-process.js';
import { playActions } from '../helpers/step.js';

const play = playActions;

const flooded: Task[] = [];
let expertFaults = 0;
for (let seed = 7000; seed < 7200; seed++) {
  const task = generatedTask({ seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
  expertFaults += task.scenario.generated!.faults.length;
  if (task.scenario.generated!.faults.some((f) => f.needs_first)) flooded.push(task);
}
const floodedFault = (task: Task) => task.scenario.generated!.faults.findIndex((f) => f.needs_first);
const body = (line: string) => line.replace(/^\[ev-[0-9a-f]{4}\] \S+Z \S+\s+/, '');

describe('retry floods', () => {
  it('are drawn only on expert incidents, on API and auth roots, with a shed-load change on an edge above the root', () => {
    expect(flooded.length).toBeGreaterThan(10);
    expect(flooded.length / expertFaults).toBeLessThan(0.35);
    for (const difficulty of DIFFICULTIES.filter((d) => d !== 'expert')) {
      for (let seed = 7000; seed < 7100; seed++) expect(generatedTask({ seed, difficulty, split: 'test', family: null }).scenario.generated!.faults.some((f) => f.needs_first)).toBe(false);
    }
    for (const task of flooded) {
      const f = task.scenario.generated!.faults[floodedFault(task)]!;
      // The menu tells the kind: API and auth services can be rolled back, and only the edge sheds load and only workers dead-letter.
      expect(task.fixById.has(`rollback@${f.root_cause}`)).toBe(true);
      expect(task.fixById.has(`shed_load@${f.root_cause}`) || task.fixById.has(`dead_letter@${f.root_cause}`)).toBe(false);
      expect(f.masked_by).toBeUndefined();
      const topo = { callers: (n: string) => task.scenario.services.filter((s) => s.depends_on.includes(n)) };
      const above = hopsFrom(topo, f.root_cause);
      expect(f.needs_first!.length).toBeGreaterThan(0);
      for (const fix of f.needs_first!) {
        expect(fix.startsWith('shed_load@')).toBe(true);
        expect(above.has(fix.slice('shed_load@'.length))).toBe(true);
        expect(task.fixById.has(fix)).toBe(true);
      }
    }
  });

  it('show at detection in the root\'s own logs and metrics: restarts failing while retried traffic pours in', () => {
    for (const task of flooded) {
      const f = task.scenario.generated!.faults[floodedFault(task)]!;
      const obs = observe(task, { ...reset(task, {}), investigated: [{ service: f.root_cause, step: 1, minute: 0 }] });
      const lines = obs.logs[f.root_cause]!.map(body).map((l) => l.toLowerCase());
      expect(lines.some((l) => /restart/.test(l) && /fail/.test(l)), lines.join('\n')).toBe(true);
      expect(lines.some((l) => /retr(y|ied)/.test(l))).toBe(true);
      const m = obs.metrics[f.root_cause]!;
      expect(m.error_rate).toBeGreaterThan(0.05);
      const rps = m.requests_per_sec ?? m.requests_per_second ?? m.rps;
      const before = task.serviceByName.get(f.root_cause)!.overview;
      const base = before.requests_per_sec ?? before.requests_per_second ?? before.rps;
      expect(rps! / base!).toBeGreaterThanOrEqual(2.9);
    }
  });

  it('a remedy tried before shedding does not hold: the fault keeps burning and the root logs the new instances falling over', () => {
    for (const task of flooded) {
      const fi = floodedFault(task);
      const f = task.scenario.generated!.faults[fi]!;
      const ep = play(task, [{ action_type: 'investigate', target: f.root_cause }, { action_type: 'apply_fix', target: f.fix }, { action_type: 'investigate', target: f.root_cause }, { action_type: 'investigate', target: f.root_cause }]);
      expect(faultImpact(task, ep.fixes, fi, ep.minutes)).toBe(1);
      const premature = task.scenario.generated!.dynamics.services[f.root_cause]!.late!.find((l) => l.after === 'premature')!;
      const has = (e: Episode) => observe(task, e).logs[f.root_cause]!.some((l) => l.startsWith(`[${premature.id}]`));
      expect(has(play(task, [{ action_type: 'investigate', target: f.root_cause }]))).toBe(false);
      expect(has(ep)).toBe(true);
      expect(premature.msg).toMatch(/ready/);
      // After shedding, the same remedy holds and the fault fades.
      const fixed = play(task, [{ action_type: 'investigate', target: f.root_cause }, { action_type: 'apply_fix', target: f.needs_first![0]! }, { action_type: 'apply_fix', target: f.fix }, ...Array.from({ length: 4 }, (): Action => ({ action_type: 'investigate', target: f.root_cause }))]);
      expect(faultImpact(task, fixed.fixes, fi, fixed.minutes)).toBe(0);
      expect(has(fixed)).toBe(false);
    }
  });

  it('grades the order: shed then fix is full mitigation; fix, shed, fix loses the premature attempt; fix alone never held', () => {
    for (const task of flooded.slice(0, 8)) {
      const g = task.scenario.generated!;
      const look: Action[] = g.faults.map((f) => ({ action_type: 'investigate', target: f.root_cause }));
      const remedies = (premature: boolean, shed: boolean): Action[] =>
        g.faults.flatMap((f) => {
          const acts: Action[] = [];
          if (f.needs_first && premature) acts.push({ action_type: 'apply_fix', target: f.fix });
          if (f.needs_first && shed) acts.push({ action_type: 'apply_fix', target: f.needs_first[0]! });
          if (!f.needs_first || shed) acts.push({ action_type: 'apply_fix', target: f.fix });
          return acts;
        });
      const close: Action = { action_type: 'postmortem', target: '', details: `Root cause: ${g.faults.map((f) => f.root_cause).join(' and ')}.` };
      const mitigate = (acts: Action[]) => grade(task, play(task, [...look, ...acts, close])).stages!.mitigate;
      const n = g.faults.length;
      // Two independent faults can both be flooded: each premature attempt costs its own points.
      const floodedFaults = g.faults.filter((f) => f.needs_first);
      const k = floodedFaults.length;
      // Played fault by fault, a later fault's early attempt holds when an earlier one already shed its edge.
      const early = floodedFaults.filter((f, i) => !floodedFaults.slice(0, i).some((e) => f.needs_first!.includes(e.needs_first![0]!))).length;
      expect(mitigate(remedies(false, true))).toBe(1);
      expect(mitigate(remedies(true, true))).toBeCloseTo(Math.max(0, 1 - 0.2 * early), 5);
      // Never held means never stopped: the SLO is breached, and half the stage is kept.
      expect(mitigate(remedies(true, false))).toBeCloseTo(Math.max(0, (n - k) / n - 0.2 * k) * 0.5, 5);
      const report = grade(task, play(task, [...look, ...remedies(true, true), close]));
      expect(report.items.find((i) => i.id === 'mitigate')!.why).toMatch(/did not hold/);
      expect(report.penalties.some((p) => /before shedding load/.test(p.reason))).toBe(true);
    }
  });

  it('shedding load where nothing is flooded is a wrong change that does damage', () => {
    let checked = 0;
    for (let seed = 7000; seed < 7060 && checked < 10; seed++) {
      const task = generatedTask({ seed, difficulty: 'expert', split: 'train', family: null });
      const g = task.scenario.generated!;
      const shed = [...task.fixById.keys()].find((id) => id.startsWith('shed_load@'));
      if (!g.faults.length || g.faults.some((f) => f.needs_first) || !shed) continue;
      checked++;
      const look: Action[] = g.faults.map((f) => ({ action_type: 'investigate', target: f.root_cause }));
      const fixes: Action[] = g.faults.map((f) => ({ action_type: 'apply_fix', target: f.fix }));
      const close: Action = { action_type: 'postmortem', target: '', details: 'Root cause found and fixed.' };
      const clean = grade(task, play(task, [...look, ...fixes, close])).stages!.mitigate!;
      const shedding = grade(task, play(task, [...look, { action_type: 'apply_fix', target: shed }, ...fixes, close])).stages!.mitigate!;
      expect(clean - shedding).toBeCloseTo(0.4, 5);
      expect(g.dynamics.consequences[shed]).toBeDefined();
    }
    expect(checked).toBe(10);
  });

  it('the rule agent reads the flood in the root\'s logs and sheds first on the training split', async () => {
    const train = flooded.filter((t) => t.scenario.generated!.params.split === 'train');
    expect(train.length).toBeGreaterThan(4);
    for (const task of train) {
      const run = await runInProcess(task, ruleAgent, 1);
      const f = task.scenario.generated!.faults[floodedFault(task)]!;
      const targets = run.steps.map((s) => s.action.target);
      if (!targets.includes(f.fix)) continue;
      const shed = targets.findIndex((t) => f.needs_first!.includes(t));
      expect(shed, targets.join(' ')).toBeGreaterThanOrEqual(0);
      expect(shed).toBeLessThan(targets.indexOf(f.fix));
    }
  });
});
