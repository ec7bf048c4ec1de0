/** What an agent is: something that picks the next action from what it observes. */
import type { Action, Observation, State, Task } from '../domain/index.js';

/** A model-driven agent's account of its last turn (for accounting and full trajectories). */
export interface TurnRecord {
  model_calls: number;
  /** Calls that failed (network, HTTP error, timeout): the model was not heard. */
  failed_calls: number;
  /** Replies that were not a valid action. */
  unparseable_replies: number;
  /** The action was the safe fallback, not the model's. */
  fallback: boolean;
  tokens_in: number;
  tokens_out: number;
  latency_ms: number;
  /** The conversation sent on the last call and the model's raw completion. */
  messages: { role: string; content: string }[];
  completion: string | null;
}

export interface Policy {
  act(observation: Observation): Action | Promise<Action>;
  /** Optional: told the reward of each step, as an RL policy would be. */
  reward?(value: number): void;
  /** Optional (model-driven agents): what the last `act` cost and said. */
  lastTurn?(): TurnRecord | undefined;
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
  /** What identifies the agent in results (model, endpoint host, temperature, prompt version ...). */
  identity?: Record<string, string | number | null>;
  create(ctx: AgentContext): Policy;
}

export { parseAvailable, targetsOf } from '../domain/available.js';
