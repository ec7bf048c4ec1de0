/** Runs many episodes concurrently and summarises them. */
import { GENERATED_TASK_ID, GENERATOR_VERSION, type Difficulty } from '../domain/index.js';
import type { AgentSpec } from '../agents/types.js';
import { runEpisodeInProcess, runEpisodeRemote, type EpisodeResult, type EpisodeSpec, type Trajectory } from './episodes.js';

export interface EvalOptions {
  agent: AgentSpec;
  tasks: string[];
  difficulty: Difficulty;
  split: 'train' | 'test';
  family?: string | null;
  /** Episodes per task (ignored when `seeds` is given). */
  episodes: number;
  seeds?: number[];
  concurrency: number;
  url?: string;
  transport?: 'ws' | 'http';
  onEpisode?: (done: number, total: number, result: EpisodeResult) => void;
}

export interface Summary {
  episodes: number;
  mean: number;
  stderr: number;
  per_task: Record<string, { n: number; mean: number }>;
  per_family: Record<string, { n: number; mean: number }>;
  per_difficulty: Record<string, { n: number; mean: number }>;
  per_stage: Record<string, { hit_rate: number; mean_share: number }>;
  errors: number;
}

export interface EvalResults {
  agent: string;
  /** Version of the incident generator the episodes were drawn from. */
  generator_version: string;
  options: { tasks: string[]; difficulty: Difficulty; split: string; episodes: number; seeds: number[]; concurrency: number; url: string | null; transport: string | null };
  summary: Summary;
  episodes: EpisodeResult[];
}

export function episodeSpecs(o: Pick<EvalOptions, 'tasks' | 'difficulty' | 'split' | 'family' | 'episodes' | 'seeds'>): EpisodeSpec[] {
  const seeds = o.seeds ?? Array.from({ length: o.episodes }, (_, i) => i);
  return o.tasks.flatMap((task_id) =>
    seeds.map((seed): EpisodeSpec => (task_id === GENERATED_TASK_ID ? { task_id, seed, difficulty: o.difficulty, split: o.split, family: o.family ?? null } : { task_id, seed })),
  );
}

const meanOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function group(results: EpisodeResult[], key: (r: EpisodeResult) => string[]): Record<string, { n: number; mean: number }> {
  const buckets = new Map<string, number[]>();
  for (const r of results) for (const k of key(r)) buckets.set(k, [...(buckets.get(k) ?? []), r.score]);
  return Object.fromEntries([...buckets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, xs]) => [k, { n: xs.length, mean: round(meanOf(xs)) }]));
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function summarise(results: EpisodeResult[]): Summary {
  const scores = results.map((r) => r.score);
  const mean = meanOf(scores);
  const variance = scores.length > 1 ? scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (scores.length - 1) : 0;
  const stages = new Map<string, { hits: number; share: number; n: number }>();
  for (const r of results) {
    for (const [id, s] of Object.entries(r.stages)) {
      const acc = stages.get(id) ?? { hits: 0, share: 0, n: 0 };
      acc.hits += s.met ? 1 : 0;
      acc.share += s.weight > 0 ? s.earned / s.weight : 0;
      acc.n++;
      stages.set(id, acc);
    }
  }
  return {
    episodes: results.length,
    mean: round(mean),
    stderr: round(Math.sqrt(variance / Math.max(1, scores.length))),
    per_task: group(results, (r) => [r.spec.task_id]),
    per_family: group(results.filter((r) => r.spec.task_id === GENERATED_TASK_ID), (r) => [r.families.join('+')]),
    per_difficulty: group(results.filter((r) => r.spec.task_id === GENERATED_TASK_ID), (r) => [r.spec.difficulty ?? 'medium']),
    per_stage: Object.fromEntries([...stages].map(([id, s]) => [id, { hit_rate: round(s.hits / s.n), mean_share: round(s.share / s.n) }])),
    errors: results.filter((r) => r.error).length,
  };
}

export async function runEval(o: EvalOptions): Promise<{ results: EvalResults; trajectories: Trajectory[] }> {
  const specs = episodeSpecs(o);
  const out: { result: EpisodeResult; trajectory: Trajectory }[] = new Array(specs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      const spec = specs[i]!;
      try {
        out[i] = o.url ? await runEpisodeRemote(spec, o.agent, o.url, o.transport ?? 'ws') : await runEpisodeInProcess(spec, o.agent);
      } catch (error) {
        const message = (error as Error).message;
        out[i] = {
          result: { spec, agent: o.agent.name, score: 0, steps: 0, done: false, outcome: 'error', simulated_minutes: 0, cumulative_reward: 0, stages: {}, families: [], error: message },
          trajectory: { spec, agent: o.agent.name, initial_digest: '', steps: [], score: 0 },
        };
      }
      o.onEpisode?.(++done, specs.length, out[i]!.result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, specs.length)) }, worker));
  const episodes = out.map((x) => x.result);
  return {
    results: {
      agent: o.agent.name,
      generator_version: GENERATOR_VERSION,
      options: {
        tasks: o.tasks,
        difficulty: o.difficulty,
        split: o.split,
        episodes: o.seeds ? o.seeds.length : o.episodes,
        seeds: o.seeds ?? Array.from({ length: o.episodes }, (_, i) => i),
        concurrency: o.concurrency,
        url: o.url ?? null,
        transport: o.url ? (o.transport ?? 'ws') : null,
      },
      summary: summarise(episodes),
      episodes,
    },
    trajectories: out.map((x) => x.trajectory),
  };
}

/** Parses "1000-1199" or "1,5,9" or a mix. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a || b - a > 1_000_000) throw new Error(`bad seed range ${part}`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else throw new Error(`bad seed "${part}": use N, N-M or a comma list`);
  }
  return seeds;
}
