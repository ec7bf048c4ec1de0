/**
 * Benchmark validity: reference agents must land where they should (oracle near the top,
 * random, do-nothing and brute force near the bottom), every incident must be solvable from its
 * evidence, and generation must be deterministic.
 */
import { DIFFICULTIES, SPLITS, generateScenario, generatedTask, type Difficulty, type Split, type Task } from '../domain/index.js';
import { AGENTS } from '../agents/index.js';
import { runInProcess } from './in-process.js';
import { firingAtDetection } from '../domain/dynamics.js';

/** Where each reference agent must land, on every difficulty and split. */
export const BOUNDS = {
  oracle: { min: 0.95 },
  rule: { min: 0.8 },
  random: { max: 0.1 },
  noop: { max: 0.05 },
  'brute-force': { max: 0.15 },
  'reward-prober': { max: 0.15 },
  'fix-menu': { max: 0.15 },
  'loudest-alert': { max: 0.15 },
  'keyword-stuffer': { max: 0.15 },
  'state-prober': { max: 0.15 },
} as const;
export type BoundedAgent = keyof typeof BOUNDS;

/** Why an incident could not be solved from evidence alone (empty when it can). */
export function solvabilityProblems(task: Task): string[] {
  const g = task.scenario.generated;
  if (!g) return [];
  const problems: string[] = [];
  const firing = firingAtDetection(task);
  // Everything reachable from a firing service by following its dependencies (and symptoms that name a service).
  const reachable = new Set<string>();
  const stack = [...firing];
  while (stack.length) {
    const s = stack.pop()!;
    if (reachable.has(s)) continue;
    reachable.add(s);
    const spec = task.serviceByName.get(s)!;
    stack.push(...spec.depends_on);
    // A log line that names a service, or the address it dialled, leads there.
    for (const other of task.serviceByName.keys()) {
      const address = g.dynamics.services[other]!.address;
      if (other !== s && spec.logs.some((l) => l.includes(other) || l.includes(address))) stack.push(other);
    }
  }
  for (const f of g.faults) {
    const root = task.serviceByName.get(f.root_cause);
    if (!root) {
      problems.push(`${f.root_cause} is not a service`);
      continue;
    }
    if (!task.availableActions.includes(`investigate:${f.root_cause}`)) problems.push(`${f.root_cause} cannot be investigated`);
    const dyn = g.dynamics.services[f.root_cause]!;
    const ownSignal = root.logs.some((l) => / (ERROR|FATAL|WARN) /.test(l)) || Object.keys(dyn.detail_impacted).length > 0;
    if (!ownSignal) problems.push(`${f.root_cause} shows nothing of its own (no warning in its logs, no metric anomaly)`);
    if (f.decisive.length === 0) problems.push(`${f.root_cause} has no decisive evidence`);
    if (!reachable.has(f.root_cause)) problems.push(`nothing firing leads to ${f.root_cause}`);
    if (!task.availableActions.includes(`apply_fix:${f.fix}`)) problems.push(`the remedy ${f.fix} is not offered`);
    if (!task.availableActions.includes(`escalate:${f.team}`)) problems.push(`the owner ${f.team} cannot be paged`);
  }
  if (g.faults.length && firing.length === 0) problems.push('no alert fires at detection');
  return problems;
}

export interface ValidityRow {
  difficulty: Difficulty;
  split: Split;
  means: Record<BoundedAgent, number>;
}

export interface ValidityReport {
  seeds: number;
  rows: ValidityRow[];
  overall: Record<BoundedAgent, number>;
  unsolvable: string[];
  nondeterministic: string[];
  generationPerSecond: number;
  failures: string[];
}

export async function measureValidity(seeds: number, firstSeed = 0, bounds: Record<BoundedAgent, { min?: number; max?: number }> = BOUNDS): Promise<ValidityReport> {
  const rows: ValidityRow[] = [];
  const unsolvable: string[] = [];
  const nondeterministic: string[] = [];
  const zero = () => Object.fromEntries(Object.keys(BOUNDS).map((k) => [k, 0])) as Record<BoundedAgent, number>;
  const totals = zero();
  let generated = 0;
  let generationMs = 0;

  for (const difficulty of DIFFICULTIES) {
    for (const split of SPLITS) {
      const sums = zero();
      for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
        const params = { seed, difficulty, split, family: null };
        const t0 = performance.now();
        const scenario = generateScenario(params);
        generationMs += performance.now() - t0;
        generated++;
        if (seed < firstSeed + 20 && JSON.stringify(scenario) !== JSON.stringify(generateScenario(params))) nondeterministic.push(`${split}/${difficulty}/${seed}`);
        const task = generatedTask(params);
        const problems = solvabilityProblems(task);
        if (problems.length) unsolvable.push(`${split}/${difficulty}/${seed}: ${problems.join('; ')}`);
        for (const name of Object.keys(BOUNDS) as BoundedAgent[]) sums[name] += (await runInProcess(task, AGENTS[name]!, seed)).final.score;
      }
      const means = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / seeds])) as Record<BoundedAgent, number>;
      for (const k of Object.keys(totals) as BoundedAgent[]) totals[k] += means[k];
      rows.push({ difficulty, split, means });
    }
  }
  const overall = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / rows.length])) as Record<BoundedAgent, number>;

  const failures: string[] = [];
  for (const row of rows) {
    for (const [name, bound] of Object.entries(bounds) as [BoundedAgent, { min?: number; max?: number }][]) {
      const m = row.means[name];
      if (bound.min !== undefined && m < bound.min) failures.push(`${name} on ${row.split}/${row.difficulty}: ${m.toFixed(3)} < ${bound.min}`);
      if (bound.max !== undefined && m > bound.max) failures.push(`${name} on ${row.split}/${row.difficulty}: ${m.toFixed(3)} > ${bound.max}`);
    }
  }
  if (unsolvable.length) failures.push(`${unsolvable.length} incident(s) not solvable from evidence`);
  if (nondeterministic.length) failures.push(`${nondeterministic.length} incident(s) generated differently twice`);
  return { seeds, rows, overall, unsolvable, nondeterministic, generationPerSecond: generated / (generationMs / 1000), failures };
}

export function validityTable(r: ValidityReport): string {
  const names = Object.keys(BOUNDS) as BoundedAgent[];
  const bound = (n: BoundedAgent) => {
    const b = BOUNDS[n] as { min?: number; max?: number };
    return b.min !== undefined ? `≥ ${b.min.toFixed(2)}` : `≤ ${b.max!.toFixed(2)}`;
  };
  const head = `| difficulty | split | ${names.map((n) => `${n} (${bound(n)})`).join(' | ')} |\n|---|---|${names.map(() => '---|').join('')}`;
  const rows = r.rows.map((x) => `| ${x.difficulty} | ${x.split} | ${names.map((n) => x.means[n].toFixed(3)).join(' | ')} |`);
  const all = `| **all** | | ${names.map((n) => r.overall[n].toFixed(3)).join(' | ')} |`;
  return [head, ...rows, all].join('\n');
}
