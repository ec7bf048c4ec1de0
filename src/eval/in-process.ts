/** Plays one episode in-process: the fastest way to run an agent, and the replay reference. */
import { observe, reset, state, step, type Action, type Episode, type Observation, type State, type Task } from '../domain/index.js';
import { runEpisode, type EpisodeEnv } from '../agents/run.js';
import type { AgentSpec } from '../agents/types.js';

export interface StepRecord {
  step: number;
  action: Action;
  reward: number;
  reason: string;
  done: boolean;
}

export interface EpisodeRun {
  steps: StepRecord[];
  final: State;
  observations: Observation[];
}

/** The domain as an environment the episode loop can play: an invalid action is refused and changes nothing. */
export interface InProcessEnv extends EpisodeEnv {
  readonly first: Observation;
  readonly episode: Episode;
  state(): State;
}

export function inProcessEnv(task: Task, seed: number | null): InProcessEnv {
  let ep = reset(task, { seed });
  return {
    first: observe(task, ep),
    get episode() {
      return ep;
    },
    async step(action) {
      const outcome = step(task, ep, action);
      if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: 'VALIDATION_ERROR' });
      ep = outcome.episode;
      return { observation: outcome.result.observation, reward: outcome.result.reward.value, reason: outcome.result.reward.reason, done: outcome.result.done };
    },
    state: () => state(task, ep),
  };
}

export async function runInProcess(task: Task, agent: AgentSpec, seed: number, keepObservations = false): Promise<EpisodeRun> {
  const env = inProcessEnv(task, seed);
  const policy = agent.create({ seed, peekState: () => env.state(), ...(agent.needsTruth ? { task } : {}) });
  const run = await runEpisode(env, policy, env.first);
  return {
    steps: run.steps.map((s) => ({ step: s.step, action: s.action, reward: s.reward, reason: s.error !== undefined ? `invalid action (${s.error}); no_op instead` : s.reason, done: s.done })),
    final: env.state(),
    observations: keepObservations ? [env.first, ...run.steps.map((s) => s.observation)] : [],
  };
}
