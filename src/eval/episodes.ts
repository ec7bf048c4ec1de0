/**
 * One evaluation episode, in-process or against a server, recorded as a trajectory that
 * `replay` can check step by step.
 */
import { createHash } from 'node:crypto';
import { connect, EnvClientError } from '../client/index.js';
import {
  findTask, generatedParams, generatedTask, observe, reset, state as stateOf, step as stepEpisode,
  GENERATED_TASK_ID, type Action, type Difficulty, type Observation, type State, type Task,
} from '../domain/index.js';
import type { AgentSpec } from '../agents/types.js';

export interface EpisodeSpec {
  task_id: string;
  seed: number;
  difficulty?: Difficulty;
  split?: 'train' | 'test';
  family?: string | null;
}

export interface TrajectoryStep {
  step: number;
  action: Action;
  reward: number;
  done: boolean;
  observation_digest: string;
  error?: string;
}

export interface Trajectory {
  spec: EpisodeSpec;
  agent: string;
  initial_digest: string;
  steps: TrajectoryStep[];
  score: number;
}

export interface EpisodeResult {
  spec: EpisodeSpec;
  agent: string;
  score: number;
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

function summarise(spec: EpisodeSpec, agent: string, final: State, trajectory: Trajectory, task: Task | null, error?: string): EpisodeResult {
  const faults = (final.faults as { family: string }[] | undefined) ?? task?.scenario.generated?.faults;
  return {
    spec,
    agent,
    score: final.score,
    steps: trajectory.steps.length,
    done: final.done,
    outcome: String(final.outcome ?? (final.done ? 'completed' : 'in_progress')),
    simulated_minutes: Number(final.elapsed_minutes ?? 0),
    cumulative_reward: final.cumulative_reward,
    stages: Object.fromEntries(final.rubric.map((r) => [r.id, { earned: r.earned, weight: r.weight, met: r.met }])),
    families: spec.task_id === GENERATED_TASK_ID ? (faults?.length ? faults.map((f) => f.family) : ['no_fault']) : [spec.task_id],
    ...(error ? { error } : {}),
  };
}

const MAX_STEPS_GUARD = 100;

export async function runEpisodeInProcess(spec: EpisodeSpec, agent: AgentSpec): Promise<{ result: EpisodeResult; trajectory: Trajectory }> {
  const task = taskFor(spec);
  const policy = agent.create({ seed: spec.seed, ...(agent.needsTruth ? { task } : {}) });
  let ep = reset(task, { seed: spec.seed });
  let obs = observe(task, ep);
  const trajectory: Trajectory = { spec, agent: agent.name, initial_digest: digest(obs), steps: [], score: 0 };
  while (!ep.done && trajectory.steps.length < MAX_STEPS_GUARD) {
    let action = await policy.act(obs);
    let outcome = stepEpisode(task, ep, action);
    let error: string | undefined;
    if (!outcome.ok) {
      error = outcome.error.message;
      action = { action_type: 'no_op', target: '' };
      outcome = stepEpisode(task, ep, action);
      if (!outcome.ok) throw new Error(outcome.error.message);
    }
    ep = outcome.episode;
    obs = outcome.result.observation;
    trajectory.steps.push({ step: ep.step, action, reward: outcome.result.reward.value, done: outcome.result.done, observation_digest: digest(obs), ...(error ? { error } : {}) });
  }
  const final = stateOf(task, ep);
  trajectory.score = final.score;
  return { result: summarise(spec, agent.name, final, trajectory, task), trajectory };
}

export async function runEpisodeRemote(spec: EpisodeSpec, agent: AgentSpec, url: string, transport: 'ws' | 'http'): Promise<{ result: EpisodeResult; trajectory: Trajectory }> {
  if (agent.needsTruth) throw new Error(`the ${agent.name} agent reads the ground truth and runs in-process only`);
  const client = await connect({ url, transport });
  try {
    const policy = agent.create({ seed: spec.seed });
    let reply = await client.reset(resetOptions(spec));
    let obs: Observation = reply.observation;
    const trajectory: Trajectory = { spec, agent: agent.name, initial_digest: digest(obs), steps: [], score: 0 };
    let done = false;
    while (!done && trajectory.steps.length < MAX_STEPS_GUARD) {
      let action = await policy.act(obs);
      let error: string | undefined;
      try {
        reply = await client.step(action);
      } catch (e) {
        if (!(e instanceof EnvClientError) || !['VALIDATION_ERROR', 'INVALID_ACTION'].includes(e.code)) throw e;
        error = e.message;
        action = { action_type: 'no_op', target: '' };
        reply = await client.step(action);
      }
      obs = reply.observation;
      done = reply.done;
      trajectory.steps.push({ step: obs.step, action, reward: reply.reward ?? 0, done, observation_digest: digest(obs), ...(error ? { error } : {}) });
    }
    const final = await client.state();
    trajectory.score = final.score;
    return { result: summarise(spec, agent.name, final, trajectory, null), trajectory };
  } finally {
    await client.close();
  }
}
