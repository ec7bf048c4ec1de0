/**
 * Runs many episodes concurrently and summarises them. Infrastructure failures (the environment
 * failed, the model could not be reached, an episode timed out) are retried, counted and kept out
 * of every mean; fixed seed tasks are reported apart from generated incidents and never pooled
 * with them; generated groups carry a standard error and a bootstrap 95% interval.
 */
import { DIFFICULTIES, GENERATED_TASK_ID, GENERATOR_VERSION, type Difficulty } from '../domain/index.js';
import type { AgentSpec } from '../agents/types.js';
import { failedEpisode, runEpisodeInProcess, runEpisodeRemote, specKey, type EpisodeResult, type EpisodeSpec, type FailureCounts, type Pricing, type Trajectory } from './episodes.js';
import type { Provenance } from './provenance.js';
import { groupStats, mean, passAtK, standardError, type GroupStats } from './stats.js';

export interface EvalOptions {
  agent: AgentSpec;
  tasks: string[];
  /** Difficulties of generated incidents (each seed is played at each). */
  difficulties: Difficulty[];
  split: 'train' | 'test';
  /** Families to pin (null: any family); each seed is played once per entry. */
  families?: (string | null)[];
  /** Episodes per task (ignored when `seeds` is given). */
  episodes: number;
  seeds?: number[];
  /** Attempts per incident (pass@k); 1 by default. */
  samples?: number;
  concurrency: number;
  url?: string;
  transport?: 'ws' | 'http';
  /** Extra attempts for an episode whose infrastructure failed (default 2). */
  retries?: number;
  /** Wall-clock limit per episode attempt (default 10 minutes). */
  episodeTimeoutMs?: number;
  pricing?: Pricing;
  /** Episodes already finished (a resumed run): their specs are not played again. */
  completed?: { result: EpisodeResult; trajectory: Trajectory }[];
  provenance?: Provenance;
  onEpisode?: (done: number, total: number, result: EpisodeResult, trajectory: Trajectory) => void;
}

type Stats = Omit<GroupStats, 'se' | 'ci95'> & { se: number | null; ci95: [number, number] | null };

export interface Summary {
  /** Episodes recorded, valid or not. */
  episodes: number;
  /** Episodes that are valid samples of the agent (no infrastructure failure). */
  valid: number;
  infra_failures: number;
  infra_failure_rate: number;
  /** Totals over valid episodes: the agent's own mistakes and the model's troubles. */
  failures: FailureCounts;
  /** Mean and standard error over valid generated incidents (over fixed tasks when there are none). */
  mean: number;
  stderr: number;
  generated: GroupStats | null;
  /** Fixed seed tasks: one incident each, so repeated episodes are not independent samples (no SE or CI). */
  fixed: Record<string, Stats>;
  per_task: Record<string, Stats>;
  per_family: Record<string, GroupStats>;
  per_difficulty: Record<string, GroupStats>;
  per_stage: Record<string, { n: number; hit_rate: number; mean_share: number }>;
  pass_at_k: { k: number; incidents: number; pass_at_1: number; pass_at_k: number } | null;
  usage: { model_calls: number; tokens_in: number; tokens_out: number; latency_ms: number; cost_usd: number | null } | null;
  /** Same as infra_failures (kept for older readers). */
  errors: number;
}

export interface EvalResults {
  agent: string;
  /** Model name, endpoint host, temperature, prompt version ... for model-driven agents. */
  agent_identity: Record<string, string | number | null> | null;
  /** Version of the incident generator the episodes were drawn from. */
  generator_version: string;
  provenance: Provenance | null;
  options: {
    tasks: string[];
    difficulties: Difficulty[];
    split: string;
    families: (string | null)[];
    episodes: number;
    seeds: number[];
    samples: number;
    concurrency: number;
    url: string | null;
    transport: string | null;
    retries: number;
  };
  summary: Summary;
  episodes: EpisodeResult[];
}

type SpecOptions = Pick<EvalOptions, 'tasks' | 'difficulties' | 'split' | 'families' | 'episodes' | 'seeds' | 'samples'>;

/** Every episode of a run, in order; a task or a difficulty named twice is played once. */
export function episodeSpecs(o: SpecOptions): EpisodeSpec[] {
  const seeds = o.seeds ?? Array.from({ length: o.episodes }, (_, i) => i);
  const samples = Math.max(1, o.samples ?? 1);
  const tasks = [...new Set(o.tasks)];
  const difficulties = [...new Set(o.difficulties)];
  const families = [...new Set(o.families?.length ? o.families : [null])];
  const withSamples = (spec: EpisodeSpec): EpisodeSpec[] => Array.from({ length: samples }, (_, sample) => (samples > 1 ? { ...spec, sample } : spec));
  return tasks.flatMap((task_id) =>
    task_id === GENERATED_TASK_ID
      ? difficulties.flatMap((difficulty) => families.flatMap((family) => seeds.flatMap((seed) => withSamples({ task_id, seed, difficulty, split: o.split, family }))))
      : seeds.flatMap((seed) => withSamples({ task_id, seed })),
  );
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function groups(results: EpisodeResult[], key: (r: EpisodeResult) => string, label: string, order: readonly string[] = []): Record<string, GroupStats> {
  const buckets = new Map<string, EpisodeResult[]>();
  for (const r of results) buckets.set(key(r), [...(buckets.get(key(r)) ?? []), r]);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(
    [...buckets].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1)).map(([k, rs]) => [k, groupStats(rs.map((r) => r.score), rs.map((r) => r.success), `${label}|${k}`)]),
  );
}

function fixedStats(rs: EpisodeResult[]): Stats {
  return { n: rs.length, mean: round(mean(rs.map((r) => r.score))), se: null, ci95: null, success_rate: round(rs.length ? rs.filter((r) => r.success).length / rs.length : 0) };
}

export function summarise(all: EpisodeResult[]): Summary {
  const valid = all.filter((r) => !r.infra_failure);
  const generated = valid.filter((r) => r.spec.task_id === GENERATED_TASK_ID);
  const fixed = valid.filter((r) => r.spec.task_id !== GENERATED_TASK_ID);
  const headline = generated.length ? generated : fixed;
  const sum = (f: (r: EpisodeResult) => number) => valid.reduce((n, r) => n + f(r), 0);

  const stages = new Map<string, { hits: number; share: number; n: number }>();
  for (const r of generated) {
    for (const [id, s] of Object.entries(r.stages)) {
      const acc = stages.get(id) ?? { hits: 0, share: 0, n: 0 };
      acc.hits += s.met ? 1 : 0;
      acc.share += s.weight > 0 ? s.earned / s.weight : 0;
      acc.n++;
      stages.set(id, acc);
    }
  }

  // pass@k over incidents attempted k times or more.
  const attempts = new Map<string, EpisodeResult[]>();
  for (const r of valid) {
    const key = specKey({ ...r.spec, sample: 0 });
    attempts.set(key, [...(attempts.get(key) ?? []), r]);
  }
  const k = Math.max(0, ...[...attempts.values()].map((rs) => rs.length));
  const sampled = [...attempts.values()].filter((rs) => rs.length >= k);
  const passAt = (kk: number) => round(mean(sampled.map((rs) => passAtK(rs.length, rs.filter((r) => r.success).length, kk))));

  const byTask = new Map<string, EpisodeResult[]>();
  for (const r of valid) byTask.set(r.spec.task_id, [...(byTask.get(r.spec.task_id) ?? []), r]);
  const taskStats = Object.fromEntries(
    [...byTask].sort(([a], [b]) => (a < b ? -1 : 1)).map(([task, rs]): [string, Stats] => [task, task === GENERATED_TASK_ID ? groupStats(rs.map((r) => r.score), rs.map((r) => r.success), `task|${task}`) : fixedStats(rs)]),
  );
  const fixedByTask = Object.fromEntries(Object.entries(taskStats).filter(([task]) => task !== GENERATED_TASK_ID));
  const withUsage = valid.filter((r) => r.usage);
  const infra = all.length - valid.length;

  return {
    episodes: all.length,
    valid: valid.length,
    infra_failures: infra,
    infra_failure_rate: round(all.length ? infra / all.length : 0),
    failures: {
      invalid_actions: sum((r) => r.failures.invalid_actions),
      model_call_failures: all.reduce((n, r) => n + r.failures.model_call_failures, 0),
      unparseable_replies: sum((r) => r.failures.unparseable_replies),
      fallbacks: sum((r) => r.failures.fallbacks),
    },
    mean: round(mean(headline.map((r) => r.score))),
    stderr: round(generated.length ? standardError(generated.map((r) => r.score)) : 0),
    generated: generated.length ? groupStats(generated.map((r) => r.score), generated.map((r) => r.success), 'generated') : null,
    fixed: fixedByTask,
    per_task: taskStats,
    per_family: groups(generated, (r) => r.families.join('+'), 'family'),
    per_difficulty: groups(generated, (r) => r.spec.difficulty ?? 'medium', 'difficulty', DIFFICULTIES),
    per_stage: Object.fromEntries([...stages].map(([id, s]) => [id, { n: s.n, hit_rate: round(s.hits / s.n), mean_share: round(s.share / s.n) }])),
    pass_at_k: k > 1 && sampled.length ? { k, incidents: sampled.length, pass_at_1: passAt(1), pass_at_k: passAt(k) } : null,
    usage: withUsage.length
      ? {
          model_calls: withUsage.reduce((n, r) => n + r.usage!.model_calls, 0),
          tokens_in: withUsage.reduce((n, r) => n + r.usage!.tokens_in, 0),
          tokens_out: withUsage.reduce((n, r) => n + r.usage!.tokens_out, 0),
          latency_ms: withUsage.reduce((n, r) => n + r.usage!.latency_ms, 0),
          cost_usd: withUsage.every((r) => r.usage!.cost_usd !== null) ? Math.round(withUsage.reduce((n, r) => n + r.usage!.cost_usd!, 0) * 1e6) / 1e6 : null,
        }
      : null,
    errors: infra,
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`episode timed out after ${ms} ms`), { timeout: true })), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runEval(o: EvalOptions): Promise<{ results: EvalResults; trajectories: Trajectory[] }> {
  const specs = episodeSpecs(o);
  const retries = o.retries ?? 2;
  const timeoutMs = o.episodeTimeoutMs ?? 600_000;
  const finished = new Map((o.completed ?? []).filter((c) => !c.result.infra_failure).map((c) => [specKey(c.result.spec), c] as const));
  const out: { result: EpisodeResult; trajectory: Trajectory }[] = new Array(specs.length);
  const todo: number[] = [];
  specs.forEach((spec, i) => {
    const done = finished.get(specKey(spec));
    if (done) out[i] = done;
    else todo.push(i);
  });
  let next = 0;
  let count = specs.length - todo.length;

  const attempt = async (spec: EpisodeSpec) => {
    const run = o.url ? runEpisodeRemote(spec, o.agent, o.url, o.transport ?? 'ws', { ...(o.pricing ? { pricing: o.pricing } : {}) }) : runEpisodeInProcess(spec, o.agent, { ...(o.pricing ? { pricing: o.pricing } : {}) });
    return withTimeout(run, timeoutMs);
  };
  const worker = async () => {
    while (next < todo.length) {
      const i = todo[next++]!;
      const spec = specs[i]!;
      let record: { result: EpisodeResult; trajectory: Trajectory } | undefined;
      for (let tries = 1; tries <= 1 + retries; tries++) {
        try {
          record = await attempt(spec);
          record.result.attempts = tries;
        } catch (error) {
          const timedOut = (error as { timeout?: boolean }).timeout === true;
          record = failedEpisode(spec, o.agent.name, timedOut ? 'timeout' : 'env_error', (error as Error).message, tries);
        }
        if (!record.result.infra_failure) break;
      }
      out[i] = record!;
      o.onEpisode?.(++count, specs.length, record!.result, record!.trajectory);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, todo.length)) }, worker));
  const episodes = out.map((x) => x.result);
  return {
    results: {
      agent: o.agent.name,
      agent_identity: o.agent.identity ?? null,
      generator_version: GENERATOR_VERSION,
      provenance: o.provenance ?? null,
      options: {
        tasks: [...new Set(o.tasks)],
        difficulties: [...new Set(o.difficulties)],
        split: o.split,
        families: [...new Set(o.families?.length ? o.families : [null])],
        episodes: o.seeds ? o.seeds.length : o.episodes,
        seeds: o.seeds ?? Array.from({ length: o.episodes }, (_, i) => i),
        samples: Math.max(1, o.samples ?? 1),
        concurrency: o.concurrency,
        url: o.url ?? null,
        transport: o.url ? (o.transport ?? 'ws') : null,
        retries,
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
  return [...new Set(seeds)];
}
