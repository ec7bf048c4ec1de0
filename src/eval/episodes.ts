/**
 * One evaluation episode, in-process or against a server, recorded as a trajectory that
 * `replay` can check step by step.
 */
import { createHash } from 'node:crypto';
import { connect } from '../client/index.js';
import {
  findTask, generatedParams, generatedTask,
  GENERATED_TASK_ID, type Action, type Difficulty, type Observation, type State, type Task,
} from '../domain/index.js';
import { runEpisode, type EpisodeStep } from '../agents/run.js';
import type { AgentSpec, TurnRecord } from '../agents/types.js';
import { inProcessEnv } from './in-process.js';

export interface EpisodeSpec {
  task_id: string;
  seed: number;
  difficulty?: Difficulty;
  split?: 'train' | 'test';
  family?: string | null;
  /** Attempt number on the same incident (pass@k runs several); 0 when absent. */
  sample?: number;
}

/** One key per episode of a run: task, split, difficulty, family, seed and attempt. */
export const specKey = (s: EpisodeSpec) => `${s.task_id}/${s.split ?? '-'}/${s.difficulty ?? '-'}/${s.family ?? '*'}/${s.seed}/${s.sample ?? 0}`;

/** A stable episode id, the same in-process and over any transport. */
export const episodeIdOf = (agent: string, s: EpisodeSpec) => `ep-${createHash('sha256').update(`${agent}|${specKey(s)}`).digest('hex').slice(0, 16)}`;

export interface TrajectoryStep {
  step: number;
  action: Action;
  reward: number;
  /** Why the environment gave that reward. */
  reason: string;
  done: boolean;
  observation_digest: string;
  /** What changed in the observation: changed top-level fields, and changed services under logs and metrics. */
  observation_delta: Record<string, unknown>;
  /** The agent's action was invalid (the environment said why) and a no_op was played instead. */
  error?: string;
  /** Model-driven agents: calls, tokens, latency, the messages sent and the raw completion. */
  turn?: TurnRecord;
}

export interface Trajectory {
  episode_id: string;
  spec: EpisodeSpec;
  agent: string;
  initial_digest: string;
  initial_observation: Observation | null;
  steps: TrajectoryStep[];
  score: number;
}

/** Why an episode does not count as a sample of the agent (it is excluded from means and retried). */
export type InfraFailure = 'env_error' | 'model_unavailable' | 'timeout';

export interface FailureCounts {
  /** Actions the environment rejected (an agent mistake: scored, not excluded). */
  invalid_actions: number;
  /** Model calls that failed (network, HTTP error, timeout). */
  model_call_failures: number;
  /** Model replies that were not a valid action. */
  unparseable_replies: number;
  /** Steps played by the safe fallback instead of the model. */
  fallbacks: number;
}

export interface EpisodeResult {
  episode_id: string;
  spec: EpisodeSpec;
  agent: string;
  score: number;
  /** Localized and mitigated in full (generated: the localize and mitigate stages earn their whole weight; seed tasks: every rubric item met). */
  success: boolean;
  failures: FailureCounts;
  /** Set when the episode is not a valid sample (infrastructure failed); such episodes are retried and excluded. */
  infra_failure: InfraFailure | null;
  /** Attempts made (1 unless an infrastructure failure was retried). */
  attempts: number;
  /** Model-driven agents: totals over the episode. */
  usage?: { model_calls: number; tokens_in: number; tokens_out: number; latency_ms: number; cost_usd: number | null };
  steps: number;
  done: boolean;
  outcome: string;
  simulated_minutes: number;
  cumulative_reward: number;
  stages: Record<string, { earned: number; weight: number; met: boolean }>;
  families: string[];
  error?: string;
}

/** A stable fingerprint of an observation, as the server would serialise it. */
export const digest = (obs: unknown) => createHash('sha256').update(JSON.stringify(obs)).digest('hex').slice(0, 16);

export function taskFor(spec: EpisodeSpec): Task {
  if (spec.task_id === GENERATED_TASK_ID) return generatedTask(generatedParams({ seed: spec.seed, difficulty: spec.difficulty, split: spec.split, family: spec.family }));
  const task = findTask(spec.task_id);
  if (!task) throw new Error(`unknown task ${spec.task_id}`);
  return task;
}

export function resetOptions(spec: EpisodeSpec): Record<string, unknown> {
  return spec.task_id === GENERATED_TASK_ID
    ? { task_id: spec.task_id, seed: spec.seed, difficulty: spec.difficulty ?? 'medium', split: spec.split ?? 'train', ...(spec.family ? { family: spec.family } : {}) }
    : { task_id: spec.task_id, seed: spec.seed };
}

/** Fields of the observation that changed; logs and metrics by service. */
export function observationDelta(prev: Observation, next: Observation): Record<string, unknown> {
  const delta: Record<string, unknown> = {};
  const a = prev as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const before = JSON.stringify(a[key]);
    if (before === JSON.stringify(b[key])) continue;
    if ((key === 'logs' || key === 'metrics') && b[key] && a[key]) {
      const inner: Record<string, unknown> = {};
      const pa = a[key] as Record<string, unknown>;
      const pb = b[key] as Record<string, unknown>;
      for (const k of Object.keys(pb)) if (JSON.stringify(pa[k]) !== JSON.stringify(pb[k])) inner[k] = pb[k];
      delta[key] = inner;
    } else delta[key] = b[key] ?? null;
  }
  return delta;
}

/** Rebuilds an observation from the previous one and a delta (services are never removed). */
export function applyDelta(prev: Observation, delta: Record<string, unknown>): Observation {
  const out: Record<string, unknown> = { ...(prev as Record<string, unknown>) };
  for (const [key, value] of Object.entries(delta)) {
    out[key] = key === 'logs' || key === 'metrics' ? { ...(out[key] as Record<string, unknown>), ...(value as Record<string, unknown>) } : value;
  }
  return out as Observation;
}

/** Success: the fault was found and removed in full (see EpisodeResult.success). */
function succeeded(spec: EpisodeSpec, final: State): boolean {
  if (!final.done) return false;
  if (spec.task_id !== GENERATED_TASK_ID) return final.rubric.length > 0 && final.rubric.every((r) => r.met);
  const stage = (id: string) => final.rubric.find((r) => r.id === id);
  return ['localize', 'mitigate'].every((id) => {
    const r = stage(id);
    return r !== undefined && r.earned >= r.weight - 1e-9;
  });
}

export interface Pricing {
  /** US dollars per million input (prompt) tokens and per million output tokens. */
  inPerMillion: number;
  outPerMillion: number;
}

function summarise(spec: EpisodeSpec, agent: string, final: State, trajectory: Trajectory, task: Task | null, pricing?: Pricing): EpisodeResult {
  const faults = (final.faults as { family: string }[] | undefined) ?? task?.scenario.generated?.faults;
  const turns = trajectory.steps.map((s) => s.turn).filter((t): t is TurnRecord => t !== undefined);
  const failures: FailureCounts = {
    invalid_actions: trajectory.steps.filter((s) => s.error).length,
    model_call_failures: turns.reduce((n, t) => n + t.failed_calls, 0),
    unparseable_replies: turns.reduce((n, t) => n + t.unparseable_replies, 0),
    fallbacks: turns.filter((t) => t.fallback).length,
  };
  const usage = turns.length
    ? (() => {
        const tokens_in = turns.reduce((n, t) => n + t.tokens_in, 0);
        const tokens_out = turns.reduce((n, t) => n + t.tokens_out, 0);
        const cost = pricing ? Math.round(((tokens_in * pricing.inPerMillion + tokens_out * pricing.outPerMillion) / 1e6) * 1e6) / 1e6 : null;
        return { model_calls: turns.reduce((n, t) => n + t.model_calls, 0), tokens_in, tokens_out, latency_ms: turns.reduce((n, t) => n + t.latency_ms, 0), cost_usd: cost };
      })()
    : undefined;
  return {
    episode_id: trajectory.episode_id,
    spec,
    agent,
    score: final.score,
    success: succeeded(spec, final),
    failures,
    // A model that could not be reached played fallbacks: the episode measures nothing about it.
    infra_failure: failures.model_call_failures > 0 ? 'model_unavailable' : null,
    attempts: 1,
    ...(usage ? { usage } : {}),
    steps: trajectory.steps.length,
    done: final.done,
    outcome: String(final.outcome ?? (final.done ? 'completed' : 'in_progress')),
    simulated_minutes: Number(final.elapsed_minutes ?? 0),
    cumulative_reward: final.cumulative_reward,
    stages: Object.fromEntries(final.rubric.map((r) => [r.id, { earned: r.earned, weight: r.weight, met: r.met }])),
    families: spec.task_id === GENERATED_TASK_ID ? (faults?.length ? faults.map((f) => f.family) : ['no_fault']) : [spec.task_id],
  };
}

/** The record of an episode that could not be played (the environment failed or it timed out). */
export function failedEpisode(spec: EpisodeSpec, agent: string, kind: InfraFailure, message: string, attempts: number): { result: EpisodeResult; trajectory: Trajectory } {
  const episode_id = episodeIdOf(agent, spec);
  return {
    result: {
      episode_id, spec, agent, score: 0, success: false,
      failures: { invalid_actions: 0, model_call_failures: 0, unparseable_replies: 0, fallbacks: 0 },
      infra_failure: kind, attempts, steps: 0, done: false, outcome: 'error', simulated_minutes: 0, cumulative_reward: 0, stages: {}, families: [], error: message,
    },
    trajectory: { episode_id, spec, agent, initial_digest: '', initial_observation: null, steps: [], score: 0 },
  };
}

export interface RunOptions {
  pricing?: Pricing;
}

/** A trajectory record of one step (digests and deltas, not whole observations). */
function record(s: EpisodeStep): TrajectoryStep {
  return {
    step: s.step, action: s.action, reward: s.reward, reason: s.reason, done: s.done,
    observation_digest: digest(s.observation), observation_delta: observationDelta(s.before, s.observation), ...(s.error !== undefined ? { error: s.error } : {}), ...(s.turn ? { turn: s.turn } : {}),
  };
}

export async function runEpisodeInProcess(spec: EpisodeSpec, agent: AgentSpec, options: RunOptions = {}): Promise<{ result: EpisodeResult; trajectory: Trajectory }> {
  const task = taskFor(spec);
  const policy = agent.create({ seed: spec.seed, ...(agent.needsTruth ? { task } : {}) });
  const env = inProcessEnv(task, spec.seed);
  const episode_id = episodeIdOf(agent.name, spec);
  const trajectory: Trajectory = { episode_id, spec, agent: agent.name, initial_digest: digest(env.first), initial_observation: env.first, steps: [], score: 0 };
  await runEpisode(env, policy, env.first, { onStep: (s) => void trajectory.steps.push(record(s)) });
  const final = env.state();
  trajectory.score = final.score;
  return { result: summarise(spec, agent.name, final, trajectory, task, options.pricing), trajectory };
}

export async function runEpisodeRemote(spec: EpisodeSpec, agent: AgentSpec, url: string, transport: 'ws' | 'http', options: RunOptions = {}): Promise<{ result: EpisodeResult; trajectory: Trajectory }> {
  if (agent.needsTruth) throw new Error(`the ${agent.name} agent reads the ground truth and runs in-process only`);
  const client = await connect({ url, transport });
  try {
    const policy = agent.create({ seed: spec.seed });
    const first = (await client.reset(resetOptions(spec))).observation;
    const episode_id = episodeIdOf(agent.name, spec);
    const trajectory: Trajectory = { episode_id, spec, agent: agent.name, initial_digest: digest(first), initial_observation: first, steps: [], score: 0 };
    await runEpisode(client, policy, first, { onStep: (s) => void trajectory.steps.push(record(s)) });
    const final = await client.state();
    trajectory.score = final.score;
    return { result: summarise(spec, agent.name, final, trajectory, null, options.pricing), trajectory };
  } finally {
    await client.close();
  }
}
