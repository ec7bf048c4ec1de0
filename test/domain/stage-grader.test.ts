/**
 * Branches of the stage grader, each against the reference path on a real generated incident:
 * over-paging, wrong and harmful changes, blind pages and fixes, efficiency, double faults and
 * no-fault controls. Each expectation is the rule in scoring.ts, not a number read off a run.
 */
import { describe, expect, it } from 'vitest';
import { oracleAgent } from '../../src/agents/oracle.js';
import { runInProcess } from '../../src/eval/in-process.js';
import { STAGE_RULES } from '../../src/domain/scoring.js';
import { generatedParams, generatedTask, gradeStages, reset, step, type Action, type Difficulty, type Task } from '../../src/domain/index.js';

type Generated = NonNullable<Task['scenario']['generated']>;

/** The first seed whose incident is what `wanted` asks for. */
function find(difficulty: Difficulty, wanted: (g: Generated) => boolean): Task {
  for (let seed = 5000; seed < 5400; seed++) {
    const task = generatedTask(generatedParams({ seed, difficulty, split: 'test' }));
    if (wanted(task.scenario.generated!)) return task;
  }
  throw new Error(`no ${difficulty} incident of the wanted kind in 400 seeds`);
}

/** The oracle's actions on this incident (its postmortem last). */
async function reference(task: Task): Promise<Action[]> {
  const run = await runInProcess(task, oracleAgent, 0);
  return run.steps.map((s) => s.action);
}

function grade(task: Task, actions: Action[]) {
  let ep = reset(task, { seed: 0 });
  for (const a of actions) {
    const o = step(task, ep, a);
    if (!o.ok) throw new Error(`refused: ${JSON.stringify(a)}: ${o.error.message}`);
    ep = o.episode;
    if (o.result.done) break;
  }
  return gradeStages(task, ep);
}

const single = (g: Generated) => g.faults.length === 1 && !g.faults[0]!.needs_first?.length && !g.dynamics.slo_breach;
const before = (actions: Action[], extra: Action[]) => [...actions.slice(0, -1), ...extra, actions[actions.length - 1]!];
const fixes = (task: Task) => [...task.availableActions].filter((a) => a.startsWith('apply_fix:')).map((a) => a.slice('apply_fix:'.length));

describe('stage grader branches', () => {
  it('the reference path earns every stage', async () => {
    const task = find('hard', single);
    const r = grade(task, await reference(task));
    for (const [stage, score] of Object.entries(r.stages)) expect(score, stage).toBeGreaterThanOrEqual(0.9);
  });

  it('each page to a team that owns no fault costs the escalate stage overPage', async () => {
    const task = find('hard', single);
    const path = await reference(task);
    const g = task.scenario.generated!;
    const other = task.scenario.services.map((s) => s.owner).find((t) => !g.faults.some((f) => f.team === t))!;
    const base = grade(task, path).stages.escalate;
    const once = grade(task, before(path, [{ action_type: 'escalate', target: other }])).stages.escalate;
    const twice = grade(task, before(path, [{ action_type: 'escalate', target: other }, { action_type: 'escalate', target: other }])).stages.escalate;
    expect(once).toBeCloseTo(base - STAGE_RULES.overPage, 6);
    expect(twice).toBeCloseTo(base - 2 * STAGE_RULES.overPage, 6);
  });

  it('a change that is not a remedy costs the mitigate stage wrongChange, and more when it did harm of its own', async () => {
    const task = find('hard', (g) => single(g) && Object.keys(g.dynamics.consequences).length > 0);
    const path = await reference(task);
    const g = task.scenario.generated!;
    const f = g.faults[0]!;
    const base = grade(task, path).stages.mitigate;
    const right = new Set([f.fix, ...(f.mitigations ?? []), ...(f.needs_first ?? [])]);
    const harmless = fixes(task).find((x) => !right.has(x) && !g.dynamics.consequences[x])!;
    const harmful = Object.keys(g.dynamics.consequences).find((x) => !right.has(x))!;
    // The wrong change goes in after the remedy, so the remedy's own credit is untouched.
    expect(grade(task, before(path, [{ action_type: 'apply_fix', target: harmless }])).stages.mitigate).toBeCloseTo(base - STAGE_RULES.wrongChange, 6);
    expect(grade(task, before(path, [{ action_type: 'apply_fix', target: harmful }])).stages.mitigate).toBeCloseTo(base - STAGE_RULES.wrongChange - STAGE_RULES.collateralDamage, 6);
  });

  it('the right page and remedy made before looking at the root earn blindCredit', async () => {
    const task = find('hard', single);
    const path = await reference(task);
    const f = task.scenario.generated!.faults[0]!;
    // Page and fix first, then look, then the postmortem.
    const blind: Action[] = [{ action_type: 'escalate', target: f.team }, { action_type: 'apply_fix', target: f.fix }, { action_type: 'investigate', target: f.root_cause }, path[path.length - 1]!];
    const r = grade(task, blind);
    expect(r.stages.escalate).toBeCloseTo(STAGE_RULES.blindCredit, 6);
    expect(r.stages.mitigate).toBeCloseTo(STAGE_RULES.blindCredit, 6);
  });

  it('efficiency is the reference minutes over the minutes to mitigate, times the mitigate stage', async () => {
    const task = find('hard', single);
    const path = await reference(task);
    const g = task.scenario.generated!;
    const elsewhere = task.scenario.services.map((s) => s.name).filter((n) => n !== g.faults[0]!.root_cause).slice(0, 4);
    // Four extra investigations before the page and the fix: the fault is stopped later.
    const slow = [path[0]!, ...elsewhere.map((s): Action => ({ action_type: 'investigate', target: s })), ...path.slice(1)];
    const fast = grade(task, path);
    const late = grade(task, slow);
    expect(late.stages.mitigate).toBeCloseTo(fast.stages.mitigate, 6);
    expect(late.stages.efficiency).toBeLessThan(fast.stages.efficiency);
    const minutes = Number(/mitigated at minute (\d+)/.exec(late.items.find((i) => i.id === 'efficiency')!.why)?.[1]);
    expect(minutes).toBeGreaterThan(0);
    expect(late.stages.efficiency).toBeCloseTo(Math.min(1, g.dynamics.reference_minutes / minutes) * late.stages.mitigate, 6);
  });

  it('with two faults, stopping one earns half the mitigate stage (halved again for the SLO breach) and no efficiency', async () => {
    const task = find('expert', (g) => g.faults.length === 2 && g.faults.every((f) => !f.needs_first?.length) && g.faults.every((f) => f.masked_by === undefined));
    const path = await reference(task);
    const g = task.scenario.generated!;
    const full = grade(task, path);
    const second = g.faults[1]!;
    const oneFixed = grade(task, path.filter((a) => !(a.action_type === 'apply_fix' && a.target === second.fix)));
    expect(full.stages.mitigate).toBeGreaterThanOrEqual(0.9);
    // A fault never stopped runs the error budget out: the breach rule keeps breachShare of the stage.
    expect(g.dynamics.slo_breach).toBe(true);
    expect(oneFixed.stages.mitigate).toBeCloseTo((full.stages.mitigate / 2) * STAGE_RULES.breachShare, 6);
    expect(oneFixed.stages.efficiency).toBe(0);
  });

  it('a no-fault control: restraint earns the stages; each page or change costs controlAction; closing unchecked earns little', async () => {
    const task = find('expert', (g) => g.faults.length === 0);
    const path = await reference(task);
    const calm = grade(task, path);
    expect(calm.stages.localize).toBe(1);
    expect(calm.stages.escalate).toBe(1);
    expect(calm.stages.mitigate).toBe(1);
    const team = task.scenario.services[0]!.owner;
    const paged = grade(task, before(path, [{ action_type: 'escalate', target: team }]));
    expect(paged.stages.escalate).toBeCloseTo(1 - STAGE_RULES.controlAction, 6);
    const changed = grade(task, before(path, [{ action_type: 'apply_fix', target: fixes(task)[0]! }]));
    expect(changed.stages.mitigate).toBeCloseTo(1 - STAGE_RULES.controlAction, 6);
    // Only the first alerting service checked before closing: not ruled out.
    const hasty = grade(task, [path[0]!, path[path.length - 1]!]);
    expect(path.filter((a) => a.action_type === 'investigate').length).toBeGreaterThan(1);
    expect(hasty.stages.localize).toBe(STAGE_RULES.investigatedOnly);
    expect(hasty.stages.escalate).toBe(0);
  });
});
