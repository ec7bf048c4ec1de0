/**
 * The episode loop, written once: a policy acts on each observation until the episode ends.
 * Every runner plays through it — evaluation in-process and against a server, `incident-env play`
 * (a person is a policy that reads the keyboard), `npm run inference`, the console's watch mode —
 * so they share one step guard and one rule for invalid actions: the environment's refusal is
 * recorded and the turn is played as a no-op, so a confused agent still reaches the end.
 */
import type { Action, Observation } from '../domain/index.js';
import type { Policy, TurnRecord } from './types.js';

/** What a loop needs from an environment: one step. Reset happens before, state after. */
export interface EpisodeEnv {
  /** Throws an error whose `code` is `VALIDATION_ERROR` when the action is refused (nothing changed). */
  step(action: Action): Promise<{ observation: Observation; reward: number | null; reason: string | null; done: boolean }>;
}

export interface EpisodeStep {
  /** The step number the environment reports after this action. */
  step: number;
  /** The action played (a no-op when the agent's was refused). */
  action: Action;
  reward: number;
  reason: string;
  done: boolean;
  /** The observation before and after this step. */
  before: Observation;
  observation: Observation;
  /** The environment's refusal of the agent's own action, when it was replaced by a no-op. */
  error?: string;
  turn?: TurnRecord;
}

/** More actions than any task's max_steps allows: a loop that runs this long has a broken environment. */
export const EPISODE_STEP_GUARD = 100;

export const NO_OP: Action = { action_type: 'no_op', target: '' };

/** An error the environment raised because the action was invalid (as opposed to a failure to answer). */
export const isRefusal = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'VALIDATION_ERROR';

export interface RunOptions {
  /** Called after every step (awaited): record, render, persist. */
  onStep?: (step: EpisodeStep) => void | Promise<void>;
  /** Called before every action (awaited): pacing, pausing. Returning false stops the loop. */
  beforeStep?: () => boolean | Promise<boolean>;
}

export interface EpisodeRun {
  steps: EpisodeStep[];
  last: Observation;
  done: boolean;
}

export async function runEpisode(env: EpisodeEnv, policy: Policy, first: Observation, options: RunOptions = {}): Promise<EpisodeRun> {
  const steps: EpisodeStep[] = [];
  let obs = first;
  let done = false;
  while (!done && steps.length < EPISODE_STEP_GUARD) {
    if (options.beforeStep && !(await options.beforeStep())) break;
    let action = await policy.act(obs);
    const turn = policy.lastTurn?.();
    let error: string | undefined;
    let reply: Awaited<ReturnType<EpisodeEnv['step']>>;
    try {
      reply = await env.step(action);
    } catch (e) {
      if (!isRefusal(e)) throw e;
      error = (e as Error).message;
      action = NO_OP;
      reply = await env.step(action);
    }
    const reward = reply.reward ?? 0;
    policy.reward?.(reward);
    const record: EpisodeStep = {
      step: reply.observation.step,
      action,
      reward,
      reason: reply.reason ?? '',
      done: reply.done,
      before: obs,
      observation: reply.observation,
      ...(error !== undefined ? { error } : {}),
      ...(turn ? { turn } : {}),
    };
    steps.push(record);
    await options.onStep?.(record);
    obs = reply.observation;
    done = reply.done;
  }
  return { steps, last: obs, done };
}

/**
 * Replaying a recorded episode is running one: a policy that plays the recorded actions in order,
 * stopping when they run out. The in-process determinism check and the console's replay through a
 * server both replay this way and compare what comes back with what was recorded.
 */
export async function replayActions(env: EpisodeEnv, first: Observation, actions: readonly Action[], options: Pick<RunOptions, 'onStep'> = {}): Promise<EpisodeRun> {
  let next = 0;
  const policy: Policy = { act: () => actions[next++] ?? NO_OP };
  return runEpisode(env, policy, first, { ...options, beforeStep: () => next < actions.length });
}
