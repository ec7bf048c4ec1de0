/**
 * Benchmark integrity: nothing an agent can reach before the end carries hidden information,
 * free text is graded once under one rule, and every deduction is explained.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DIFFICULTIES, FAMILIES, SPLITS, findTask, generatedTask, observe, reset, seedScenario, state, type Task,
} from '../../src/domain/index.js';
import { readText } from '../../src/domain/reading.js';
import { GENERATED_REWARDS, INCIDENT_REPORT_PARTS, SEED_REWARDS, STAGE_RULES, STAGE_WEIGHTS } from '../../src/domain/scoring.js';
import { oracleAgent } from '../../src/agents/index.js';
import { STUFFED_MECHANISMS } from '../../src/agents/shortcuts.js';
import { runInProcess } from '../../src/eval/in-process.js';
import { act } from '../helpers/step.js';


describe('step rewards carry no hidden information', () => {
  it('over 1,000 generated incidents, investigating a root pays exactly what investigating any other service pays, with the same reason', () => {
    const dist = { root: new Map<string, number>(), other: new Map<string, number>() };
    let incidents = 0;
    for (const difficulty of DIFFICULTIES) {
      for (const split of SPLITS) {
        for (let seed = 0; seed < 125; seed++) {
          const task = generatedTask({ seed: 20_000 + seed, difficulty, split, family: null });
          incidents++;
          const ep = reset(task);
          for (const service of task.serviceByName.keys()) {
            const r = act(task, ep, { action_type: 'investigate', target: service }).result.reward;
            const key = `${r.value}|${r.reason.replace(service, '<service>')}`;
            const bucket = task.roots.has(service) ? dist.root : dist.other;
            bucket.set(key, (bucket.get(key) ?? 0) + 1);
          }
        }
      }
    }
    expect(incidents).toBe(1000);
    // One outcome for both: the same value and the same reason, so the distributions are equal.
    expect([...dist.root.keys()]).toEqual([`${GENERATED_REWARDS.newEvidence}|new evidence: <service>'s logs and metrics`]);
    expect([...dist.other.keys()]).toEqual([...dist.root.keys()]);
  });

  it('pages and changes pay nothing until the end, whoever is paged and whatever is changed', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.constantFrom(...DIFFICULTIES), fc.nat(), fc.nat(), (seed, difficulty, t, f) => {
        const task = generatedTask({ seed, difficulty, split: 'test', family: null });
        const teams = [...task.teamSet];
        const fixes = [...task.fixById.keys()];
        const ep = reset(task);
        const page = act(task, ep, { action_type: 'escalate', target: teams[t % teams.length]! }).result;
        const change = act(task, ep, { action_type: 'apply_fix', target: fixes[f % fixes.length]! }).result;
        expect(page.reward.value).toBe(0);
        expect(page.reward.reason).toBe(`paged ${teams[t % teams.length]}`);
        expect(page.observation.message).toMatch(/^Paged .*\. They acknowledge and join the incident\.$/);
        expect(change.reward.value).toBe(0);
        expect(change.reward.reason).toBe(`applied ${fixes[f % fixes.length]}`);
        expect(change.observation.message).not.toMatch(/falling|resolving|not the remedy|nothing they own/);
      }),
      { numRuns: 60 },
    );
  });
});

describe('nothing reachable before the end names an answer or the episode type', () => {
  const midState = (task: Task) => {
    let ep = reset(task);
    const first = [...task.serviceByName.keys()][0]!;
    ep = act(task, ep, { action_type: 'investigate', target: first }).episode;
    ep = act(task, ep, { action_type: 'escalate', target: [...task.teamSet][0]! }).episode;
    const s = state(task, ep);
    return { ...s, history: undefined, params: undefined, elapsed_minutes: undefined, error_budget_remaining_pct: undefined };
  };

  it('mid-episode rubric, grader state, score and penalties are identical for single-fault, double-fault and no-fault incidents', () => {
    const kinds = new Map<number, string>();
    for (let seed = 0; seed < 200 && kinds.size < 3; seed++) {
      const task = generatedTask({ seed, difficulty: 'expert', split: 'test', family: null });
      const n = task.scenario.generated!.faults.length;
      if (!kinds.has(n)) kinds.set(n, JSON.stringify({ ...midState(task), step: 0, step_count: 0 }));
    }
    expect([...kinds.keys()].sort()).toEqual([0, 1, 2]);
    expect(new Set(kinds.values()).size).toBe(1);
  });

  it('no mid-episode state or observation names a root, an owner, a remedy, a family or a mechanism', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom(...DIFFICULTIES), fc.constantFrom(...SPLITS), (seed, difficulty, split) => {
        const task = generatedTask({ seed, difficulty, split, family: null });
        let ep = reset(task);
        for (const s of [...task.serviceByName.keys()].slice(0, 3)) ep = act(task, ep, { action_type: 'investigate', target: s }).episode;
        const st = JSON.stringify(state(task, ep));
        const obs = JSON.stringify(observe(task, ep));
        for (const f of task.scenario.generated!.faults) {
          expect(st).not.toContain(f.mechanism);
          expect(st).not.toContain(f.family);
          expect(obs).not.toContain(f.family);
          expect(st).not.toContain(f.variant);
          expect(JSON.parse(st).rubric.every((r: { why: string }) => !r.why.includes(f.root_cause) && !r.why.includes(f.team) && !r.why.includes(f.fix))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the seed tasks\' rubric ids are neutral', () => {
    for (const id of ['task_easy', 'task_medium', 'task_hard']) {
      const task = seedTask(id);
      for (const item of seedScenario(task).rubric) {
        for (const s of task.serviceByName.keys()) expect(item.id).not.toContain(s.replace(/-/g, '_'));
      }
    }
  });

  it('the README (served as /metadata readme_content) states no seed task\'s answer', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const answer of ['increase_db_connections', 'flush_redis_cache', 'complete_secret_rotation', 'has hit its connection limit', 'redis-cache is out of memory', 'rotated the JWT signing secret']) {
      expect(readme).not.toContain(answer);
    }
  });
});

function seedTask(id: string): Task {
  const t = findTask(id);
  if (!t) throw new Error(id);
  return t;
}

describe('free text is graded once, the same way everywhere', () => {
  const task = () => generatedTask({ seed: 31, difficulty: 'medium', split: 'test', family: 'dns_misconfiguration' });

  it('a host named inside the mechanism is not a second root-cause claim, in JSON or free text', () => {
    const t = task();
    const f = t.scenario.generated!.faults[0]!;
    const victim = [...t.serviceByName.keys()].find((s) => f.mechanism.includes(`record for ${s}`) || f.mechanism.includes(`record for ${s},`))!;
    const json = JSON.stringify({ root_cause: `${f.root_cause}: a zone change broke the record for ${victim}.internal`, mechanism: f.mechanism });
    expect(readText(t, json, 'postmortem').roots).toEqual([f.root_cause]);
    expect(readText(t, `Root cause: ${f.root_cause}; the zone change broke ${victim}.internal.`, 'note').roots).toEqual([f.root_cause]);
  });

  it('stuffed text never earns more than the plain correct text, in any field', async () => {
    for (const family of FAMILIES.map((x) => x.id)) {
      const t = generatedTask({ seed: 5, difficulty: 'easy', split: 'train', family });
      const f = t.scenario.generated!.faults[0]!;
      const plain = `Root cause: ${f.root_cause}. ${f.mechanism}`;
      const stuffed = `${plain} Also the ${STUFFED_MECHANISMS}.`;
      const score = (details: string) => {
        let ep = reset(t);
        ep = act(t, ep, { action_type: 'investigate', target: f.root_cause }).episode;
        ep = act(t, ep, { action_type: 'escalate', target: f.team, details }).episode;
        const end = act(t, ep, { action_type: 'postmortem', target: '', details });
        return end.result.info.score;
      };
      expect(readText(t, stuffed, 'note').flaw).toMatch(/failure mechanisms/);
      expect(score(stuffed)).toBeLessThanOrEqual(score(plain));
    }
  });

  it('adding correct detail never lowers a score', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FAMILIES.map((x) => x.id)), fc.nat({ max: 10_000 }), fc.constantFrom(...SPLITS), (family, seed, split) => {
        const t = generatedTask({ seed, difficulty: 'easy', split, family });
        const f = t.scenario.generated!.faults[0]!;
        const base = `Root cause: ${f.root_cause}.`;
        const detailed = `${base} ${f.mechanism} The trigger was ${f.trigger}`;
        const run = (text: string) => {
          let ep = reset(t);
          ep = act(t, ep, { action_type: 'investigate', target: f.root_cause }).episode;
          ep = act(t, ep, { action_type: 'escalate', target: f.team, details: text }).episode;
          ep = act(t, ep, { action_type: 'apply_fix', target: f.fix, details: text }).episode;
          return act(t, ep, { action_type: 'postmortem', target: '', details: `${text} Impact: ${f.affected.join(', ')} saw errors. We applied ${f.fix}. We will add alerting.` }).result.info.score;
        };
        expect(run(detailed)).toBeGreaterThanOrEqual(run(base));
      }),
      { numRuns: 80 },
    );
  });

  it('a postmortem cannot take away the diagnosis an escalation earned', () => {
    const t = task();
    const f = t.scenario.generated!.faults[0]!;
    let ep = reset(t);
    ep = act(t, ep, { action_type: 'investigate', target: f.root_cause }).episode;
    ep = act(t, ep, { action_type: 'escalate', target: f.team, details: `Root cause: ${f.root_cause}. ${f.mechanism}` }).episode;
    const end = act(t, ep, { action_type: 'postmortem', target: '', details: 'dns zone record nxdomain cname lookup resolve' });
    const s = state(t, end.episode);
    expect((s.stages as Record<string, number>).diagnose).toBe(1);
  });
});

describe('every deduction is explained by what the agent saw', () => {
  it('a lost stage names the evidence ids that showed the fault, or the rule broken', () => {
    const t = generatedTask({ seed: 8, difficulty: 'hard', split: 'test', family: 'cache_oom' });
    const f = t.scenario.generated!.faults[0]!;
    const wrongTeam = [...t.teamSet].find((x) => x !== f.team)!;
    const wrongFix = [...t.fixById.keys()].find((x) => x !== f.fix)!;
    let ep = reset(t);
    ep = act(t, ep, { action_type: 'escalate', target: wrongTeam }).episode;
    ep = act(t, ep, { action_type: 'apply_fix', target: wrongFix }).episode;
    ep = act(t, ep, { action_type: 'postmortem', target: '', details: 'We do not know yet what happened; the investigation continues tomorrow with the whole team.' }).episode;
    const rubric = state(t, ep).rubric;
    const why = (id: string) => rubric.find((r) => r.id === id)!.why;
    for (const ev of f.decisive) expect(why('localize')).toContain(ev);
    expect(why('escalate')).toContain(`paged ${wrongTeam}`);
    expect(why('escalate')).toContain(`−${STAGE_RULES.overPage}`);
    expect(why('mitigate')).toContain(`applied ${wrongFix}`);
    expect(why('mitigate')).toContain(`−${STAGE_RULES.wrongChange}`);
  });

  it('the oracle still scores at the top', async () => {
    const t = generatedTask({ seed: 9, difficulty: 'expert', split: 'test', family: null });
    expect((await runInProcess(t, oracleAgent, 9)).final.score).toBeGreaterThanOrEqual(0.95);
  });
});

describe('the README\'s tables come from scoring.ts', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const money = (x: number) => (x < 0 ? `−${Math.abs(x).toFixed(2)}` : `+${x.toFixed(2)}`);

  it('seed reward table', () => {
    expect(readme).toContain(`| investigate any other service | ${money(SEED_REWARDS.investigateOther)} (again: 0) |`);
    expect(readme).toContain(`| correct escalation | ${money(SEED_REWARDS.correctEscalation)} (again: 0) |`);
    expect(readme).toContain(`| correct fix | ${money(SEED_REWARDS.correctFix)} (again: 0) |`);
    expect(readme).toContain(`| wrong fix | ${money(SEED_REWARDS.wrongFix)} |`);
    expect(readme).toContain(`| wrong escalation | ${money(SEED_REWARDS.wrongEscalation)} |`);
    expect(readme).toContain(`| no_op | ${money(SEED_REWARDS.noOp)}; the third and later consecutive ${money(SEED_REWARDS.repeatedNoOp)} |`);
    expect(readme).toContain(`| task complete (every item met) | ${money(SEED_REWARDS.completionBonus)} on the completing step |`);
    expect(readme).toContain(`| a service that does not exist (seed dialect) | ${money(SEED_REWARDS.unknownService)} |`);
  });

  it('generated rewards and stage weights', () => {
    expect(readme).toContain(`| investigate: a view of a service fetched for the first time | ${money(GENERATED_REWARDS.newEvidence)}, whatever the service |`);
    for (const [stage, w] of Object.entries(STAGE_WEIGHTS)) expect(readme).toMatch(new RegExp(`\\| ${stage} \\| ${w.toFixed(2)} \\|`));
    for (const [part, w] of Object.entries(INCIDENT_REPORT_PARTS)) expect(readme).toMatch(new RegExp(`${part.replace('_', ' ')}[^,;]*? ${w.toFixed(2)}`));
    expect(readme).toContain(`−${STAGE_RULES.overPage} per page`);
    expect(readme).toContain(`−${STAGE_RULES.wrongChange.toFixed(2)} per wrong change`);
  });
});

describe('real time pressure in expert incidents', () => {
  it('running the error budget out before the fault is stopped breaches the SLO: half the mitigate stage, no efficiency, explained', () => {
    let checked = 0;
    for (let seed = 0; seed < 40 && checked < 3; seed++) {
      const t = generatedTask({ seed, difficulty: 'expert', split: 'test', family: null });
      const faults = t.scenario.generated!.faults;
      if (faults.length !== 1) continue;
      const f = faults[0]!;
      // The budget burns on what users feel: only a fault that hurts them from detection burns it at the full rate.
      const first = act(t, reset(t), { action_type: 'investigate', target: f.root_cause }).episode;
      if (first.budget_burned < 0.95 * t.scenario.generated!.dynamics.burn_per_min * first.minutes) continue;
      const play = (wander: number) => {
        let ep = reset(t);
        ep = act(t, ep, { action_type: 'investigate', target: f.root_cause }).episode;
        for (const s of [...t.serviceByName.keys()].filter((x) => x !== f.root_cause).slice(0, wander)) ep = act(t, ep, { action_type: 'investigate', target: s }).episode;
        ep = act(t, ep, { action_type: 'escalate', target: f.team }).episode;
        // A root flooded by retries takes its remedy once load is shed at the edge.
        for (const fix of [...(f.needs_first ?? []).slice(0, 1), f.fix]) ep = act(t, ep, { action_type: 'apply_fix', target: fix }).episode;
        return state(t, act(t, ep, { action_type: 'postmortem', target: '', details: `Root cause: ${f.root_cause}. ${f.mechanism} We applied ${f.fix}.` }).episode);
      };
      const quick = play(0);
      const slow = play(12);
      expect(quick.rubric.find((r) => r.id === 'mitigate')!.why).not.toContain('SLO breached');
      const mitigate = slow.rubric.find((r) => r.id === 'mitigate')!;
      expect(mitigate.why).toContain('SLO breached');
      expect(mitigate.earned).toBeCloseTo(0.125, 5);
      expect(slow.rubric.find((r) => r.id === 'efficiency')!.earned).toBe(0);
      checked++;
    }
    expect(checked).toBe(3);
  });
});
