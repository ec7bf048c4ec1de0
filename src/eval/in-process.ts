/** Plays one episode in-process: the fastest way to run an agent, and the replay reference. */
import { observe, reset, state, step, type Action, type Observation, type State, type Task } from '../domain/index.js';
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

export async function runInProcess(task: Task, agent: AgentSpec, seed: number, keepObservations = false): Promise<EpisodeRun> {
  let ep = reset(task, { seed });
  const policy = agent.create({ seed, peekState: () => state(task, ep), ...(agent.needsTruth ? { task } : {}) });
  let obs = observe(task, ep);
  const steps: StepRecord[] = [];
  const observations = keepObservations ? [obs] : [];
  for (let guard = 0; !ep.done && guard < 200; guard++) {
    const action = await policy.act(obs);
    const outcome = step(task, ep, action);
    if (!outcome.ok) {
      // An invalid action is the agent's mistake: record it as a no-op so the episode still ends.
      const fallback = step(task, ep, { action_type: 'no_op', target: '' });
      if (!fallback.ok) throw new Error(fallback.error.message);
      ep = fallback.episode;
      obs = fallback.result.observation;
      steps.push({ step: ep.step, action: { action_type: 'no_op', target: '' }, reward: fallback.result.reward.value, reason: `invalid action (${outcome.error.message}); no_op instead`, done: fallback.result.done });
      continue;
    }
    ep = outcome.episode;
    obs = outcome.result.observation;
    policy.reward?.(outcome.result.reward.value);
    if (keepObservations) observations.push(obs);
    steps.push({ step: ep.step, action, reward: outcome.result.reward.value, reason: outcome.result.reward.reason, done: outcome.result.done });
  }
  return { steps, final: state(task, ep), observations };
}
