/**
 * Trajectories as OpenEnv `collect`-style records (one JSON object per line of results.jsonl):
 * episode_id, task, messages, reward, done, tool_trace, metrics. Loadable as a dataset; the schema
 * below is the documented format, and every record written is checked against it.
 */
import { z } from 'zod';
import type { EpisodeResult, Trajectory } from './episodes.js';

export const CollectRecordSchema = z.strictObject({
  episode_id: z.string(),
  task: z.strictObject({
    task_id: z.string(),
    seed: z.number().int(),
    difficulty: z.string().nullable(),
    split: z.string().nullable(),
    family: z.string().nullable(),
    sample: z.number().int(),
  }),
  /** The conversation: the model's own messages for model-driven agents, else the observations and actions as text. */
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  /** The episode's graded score. */
  reward: z.number(),
  done: z.boolean(),
  tool_trace: z.array(
    z.strictObject({
      step: z.number().int(),
      tool: z.string(),
      arguments: z.record(z.string(), z.string()),
      reward: z.number(),
      reason: z.string(),
      done: z.boolean(),
      error: z.string().nullable(),
    }),
  ),
  metrics: z.strictObject({
    score: z.number(),
    success: z.boolean(),
    steps: z.number().int(),
    simulated_minutes: z.number(),
    cumulative_reward: z.number(),
    stages: z.record(z.string(), z.number()),
    infra_failure: z.string().nullable(),
    invalid_actions: z.number().int(),
    fallbacks: z.number().int(),
    tokens_in: z.number().int().nullable(),
    tokens_out: z.number().int().nullable(),
    cost_usd: z.number().nullable(),
  }),
});
export type CollectRecord = z.infer<typeof CollectRecordSchema>;

const TOOL_OF: Record<string, string> = { investigate: 'investigate', escalate: 'escalate', apply_fix: 'apply_fix', postmortem: 'submit_postmortem', no_op: 'no_op' };

export function collectRecord(result: EpisodeResult, trajectory: Trajectory): CollectRecord {
  const messages: CollectRecord['messages'] = [];
  const turns = trajectory.steps.filter((s) => s.turn);
  if (turns.length) {
    // The model's own conversation, turn by turn: what it was sent, then what it answered.
    for (const s of trajectory.steps) {
      if (!s.turn) continue;
      for (const m of s.turn.messages) if (m.role !== 'system' || messages.length === 0) messages.push({ role: m.role as 'system' | 'user' | 'assistant', content: m.content });
      messages.push({ role: 'assistant', content: s.turn.completion ?? JSON.stringify(s.action) });
    }
  } else {
    if (trajectory.initial_observation) messages.push({ role: 'user', content: JSON.stringify(trajectory.initial_observation) });
    for (const s of trajectory.steps) {
      messages.push({ role: 'assistant', content: JSON.stringify(s.action) });
      messages.push({ role: 'user', content: JSON.stringify({ reward: s.reward, reason: s.reason, done: s.done, observation_delta: s.observation_delta }) });
    }
  }
  const spec = result.spec;
  return {
    episode_id: result.episode_id,
    task: { task_id: spec.task_id, seed: spec.seed, difficulty: spec.difficulty ?? null, split: spec.split ?? null, family: spec.family ?? null, sample: spec.sample ?? 0 },
    messages,
    reward: result.score,
    done: result.done,
    tool_trace: trajectory.steps.map((s) => ({
      step: s.step,
      tool: TOOL_OF[s.action.action_type] ?? s.action.action_type,
      arguments: { target: s.action.target, ...(s.action.details ? { details: s.action.details } : {}) },
      reward: s.reward,
      reason: s.reason,
      done: s.done,
      error: s.error ?? null,
    })),
    metrics: {
      score: result.score,
      success: result.success,
      steps: result.steps,
      simulated_minutes: result.simulated_minutes,
      cumulative_reward: result.cumulative_reward,
      stages: Object.fromEntries(Object.entries(result.stages).map(([k, v]) => [k, v.earned])),
      infra_failure: result.infra_failure,
      invalid_actions: result.failures.invalid_actions,
      fallbacks: result.failures.fallbacks,
      tokens_in: result.usage?.tokens_in ?? null,
      tokens_out: result.usage?.tokens_out ?? null,
      cost_usd: result.usage?.cost_usd ?? null,
    },
  };
}
