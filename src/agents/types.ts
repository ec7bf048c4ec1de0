/** What an agent is: something that picks the next action from what it observes. */
import type { Action, Observation, State, Task } from '../domain/index.js';

export interface Policy {
  act(observation: Observation): Action | Promise<Action>;
  /** Optional: told the reward of each step, as an RL policy would be. */
  reward?(value: number): void;
}

export interface AgentContext {
  /** Per-episode seed for agents that randomise. */
  seed: number;
  /** In-process runs only: the task, for agents allowed to read the ground truth. */
  task?: Task;
  /** The episode's public state (what GET /state answers), for agents that probe it. */
  peekState?: () => State;
}

export interface AgentSpec {
  name: string;
  description: string;
  /** True when the agent needs the ground truth (in-process only). */
  needsTruth?: boolean;
  create(ctx: AgentContext): Policy;
}

/** Splits "investigate:redis-cache" into its kind and target. */
export function parseAvailable(entry: string): { kind: string; target: string } {
  const at = entry.indexOf(':');
  return at < 0 ? { kind: entry, target: '' } : { kind: entry.slice(0, at), target: entry.slice(at + 1) };
}

export const targetsOf = (obs: Observation, kind: string) =>
  obs.available_actions.map(parseAvailable).filter((a) => a.kind === kind).map((a) => a.target);
