/** Comparing runs: per-group differences with bootstrap intervals, and a leaderboard of many runs. */
import { DIFFICULTIES, GENERATED_TASK_ID, type Difficulty } from '../domain/index.js';
import type { EpisodeResult } from './episodes.js';
import type { EvalResults } from './harness.js';
import { bootstrapDiffCi, mean } from './stats.js';

export interface GroupDiff {
  group: string;
  n_a: number;
  mean_a: number;
  n_b: number;
  mean_b: number;
  /** mean_b - mean_a, with a 95% bootstrap interval (none for a fixed task or a group of one); `significant` when it excludes 0. */
  diff: number;
  ci95: [number, number] | null;
  significant: boolean;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The groups a run reports on, each with its valid episodes' scores. */
function groupScores(r: EvalResults): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (g: string, e: EpisodeResult) => out.set(g, [...(out.get(g) ?? []), e.score]);
  for (const e of r.episodes) {
    if (e.infra_failure) continue;
    if (e.spec.task_id === GENERATED_TASK_ID) {
      add('generated', e);
      add(`difficulty ${e.spec.difficulty ?? 'medium'}`, e);
      add(`family ${e.families.join('+')}`, e);
    } else add(`task ${e.spec.task_id}`, e);
  }
  return out;
}

export function compareRuns(a: EvalResults, b: EvalResults): { diffs: GroupDiff[]; warnings: string[] } {
  const warnings: string[] = [];
  if (a.generator_version !== b.generator_version) warnings.push(`generator versions differ (${a.generator_version} vs ${b.generator_version}): the incidents are not the same`);
  if (a.options.split !== b.options.split) warnings.push(`splits differ (${a.options.split} vs ${b.options.split})`);
  const ga = groupScores(a);
  const gb = groupScores(b);
  const diffs: GroupDiff[] = [];
  for (const [group, xs] of ga) {
    const ys = gb.get(group);
    if (!ys) continue;
    // A fixed task is one incident, and a group of one episode has no spread: no interval, no claim.
    const interval = !group.startsWith('task ') && xs.length >= 2 && ys.length >= 2;
    const ci95 = interval ? bootstrapDiffCi(xs, ys, `compare|${group}`) : null;
    const diff = round(mean(ys) - mean(xs));
    diffs.push({ group, n_a: xs.length, mean_a: round(mean(xs)), n_b: ys.length, mean_b: round(mean(ys)), diff, ci95, significant: ci95 !== null && (ci95[0] > 0 || ci95[1] < 0) });
  }
  const order = (g: string) => (g === 'generated' ? 0 : g.startsWith('difficulty') ? 1 + DIFFICULTIES.indexOf(g.slice('difficulty '.length) as Difficulty) / 10 : g.startsWith('family') ? 2 : 3);
  diffs.sort((x, y) => order(x.group) - order(y.group) || (x.group < y.group ? -1 : 1));
  return { diffs, warnings };
}

export function compareTable(a: EvalResults, b: EvalResults): string {
  const { diffs, warnings } = compareRuns(a, b);
  const name = (r: EvalResults) => `${r.agent}${r.agent_identity?.model ? ` (${r.agent_identity.model})` : ''}`;
  return [
    `A: ${name(a)}; B: ${name(b)}. Differences are B − A with 95% bootstrap intervals (none for a fixed task, one incident, or a group of one episode).`,
    ...warnings.map((w) => `warning: ${w}`),
    '',
    '| group | n A | mean A | n B | mean B | B − A | 95% CI | |',
    '|---|---|---|---|---|---|---|---|',
    ...diffs.map((d) => `| ${d.group} | ${d.n_a} | ${d.mean_a.toFixed(3)} | ${d.n_b} | ${d.mean_b.toFixed(3)} | ${d.diff >= 0 ? '+' : ''}${d.diff.toFixed(3)} | ${d.ci95 ? `[${d.ci95[0].toFixed(3)}, ${d.ci95[1].toFixed(3)}]` : '—'} | ${d.significant ? 'significant' : ''} |`),
    '',
  ].join('\n');
}

export interface LeaderboardRow {
  run: string;
  agent: string;
  model: string | null;
  generator_version: string;
  split: string;
  n: number;
  mean: number | null;
  ci95: [number, number] | null;
  success_rate: number | null;
  per_difficulty: Record<string, number>;
  infra_failures: number;
  date: string | null;
}

export function leaderboard(runs: { name: string; results: EvalResults }[]): LeaderboardRow[] {
  return runs
    .map(({ name, results: r }) => ({
      run: name,
      agent: r.agent,
      model: typeof r.agent_identity?.model === 'string' ? r.agent_identity.model : null,
      generator_version: r.generator_version,
      split: r.options.split,
      n: r.summary.generated?.n ?? 0,
      mean: r.summary.generated?.mean ?? null,
      ci95: r.summary.generated?.ci95 ?? null,
      success_rate: r.summary.generated?.success_rate ?? null,
      per_difficulty: Object.fromEntries(Object.entries(r.summary.per_difficulty).map(([d, g]) => [d, g.mean])),
      infra_failures: r.summary.infra_failures,
      date: r.provenance?.started_at ?? null,
    }))
    .sort((x, y) => (y.mean ?? -1) - (x.mean ?? -1));
}

export function leaderboardMarkdown(rows: LeaderboardRow[]): string {
  const difficulties = [...new Set(rows.flatMap((r) => Object.keys(r.per_difficulty)))].sort((a, b) => ['easy', 'medium', 'hard', 'expert'].indexOf(a) - ['easy', 'medium', 'hard', 'expert'].indexOf(b));
  return [
    `| # | agent | model | generated mean | 95% CI | success | ${difficulties.join(' | ')}${difficulties.length ? ' | ' : ''}n | infra failures | generator | split | run |`,
    `|---|---|---|---|---|---|${difficulties.map(() => '---|').join('')}---|---|---|---|---|`,
    ...rows.map((r, i) =>
      `| ${i + 1} | ${r.agent} | ${r.model ?? '—'} | ${r.mean === null ? '—' : r.mean.toFixed(3)} | ${r.ci95 ? `[${r.ci95[0].toFixed(3)}, ${r.ci95[1].toFixed(3)}]` : '—'} | ${r.success_rate === null ? '—' : `${Math.round(r.success_rate * 1000) / 10}%`} | ${difficulties.map((d) => (r.per_difficulty[d] === undefined ? '—' : r.per_difficulty[d]!.toFixed(3))).join(' | ')}${difficulties.length ? ' | ' : ''}${r.n} | ${r.infra_failures} | ${r.generator_version} | ${r.split} | ${r.run} |`,
    ),
    '',
  ].join('\n');
}
