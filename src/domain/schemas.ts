/**
 * Wire-level schemas: the single source of truth for the environment's types, for input
 * validation and for the JSON Schemas the API publishes.
 */
import { z } from 'zod';

export const ACTION_TYPES = ['investigate', 'escalate', 'apply_fix', 'postmortem', 'no_op'] as const;

/** Longest `details` text accepted (a postmortem is the longest thing an agent writes). */
export const MAX_DETAILS_LENGTH = 20_000;
/**
 * Most text one episode takes in all (escalation and fix notes and the postmortem): every text is
 * read when submitted, so this bounds what grading an episode can ever cost.
 */
export const MAX_EPISODE_TEXT = 60_000;
export const MAX_TARGET_LENGTH = 200;

export const ActionTypeSchema = z.enum(ACTION_TYPES);

/** What one investigation of a generated incident's service fetches; without a view, both. */
export const INVESTIGATION_VIEWS = ['logs', 'metrics'] as const;
export const InvestigationViewSchema = z.enum(INVESTIGATION_VIEWS);
export type InvestigationView = z.infer<typeof InvestigationViewSchema>;
export type ActionType = z.infer<typeof ActionTypeSchema>;

export const ActionSchema = z
  .strictObject({
    action_type: ActionTypeSchema.describe(
      'investigate a service, escalate to a team, apply_fix a remediation, submit a postmortem, or no_op',
    ),
    target: z
      .string()
      .max(MAX_TARGET_LENGTH)
      .default('')
      .describe('Service name (investigate), team name (escalate) or fix id (apply_fix); "" otherwise'),
    details: z
      .string()
      .max(MAX_DETAILS_LENGTH)
      .nullish()
      .describe('Postmortem text or JSON (postmortem); optional reasoning for escalate/apply_fix'),
    view: InvestigationViewSchema.optional().describe(
      'Generated incidents, investigate only: fetch just the service\'s logs (a search, as of when it ran) or just its detailed metrics (a dashboard that stays live); omitted, both, for the time of both',
    ),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Free-form client metadata (OpenEnv clients send it); ignored by the environment'),
  })
  .meta({ title: 'IncidentAction' });
export type Action = z.infer<typeof ActionSchema>;

export const ServiceInfoSchema = z.object({
  name: z.string(),
  owner: z.string().describe('The team that owns and is paged for this service'),
  depends_on: z.array(z.string()).describe('Services this one calls'),
});
export type ServiceInfo = z.infer<typeof ServiceInfoSchema>;

export const MetricsSchema = z.record(z.string(), z.record(z.string(), z.number()));

export const ObservationSchema = z
  .looseObject({
    step: z.number().int().min(0),
    alerts: z.array(z.string()).describe('Active PagerDuty-style alerts'),
    logs: z
      .record(z.string(), z.array(z.string()))
      .describe('Logs of the services investigated so far, keyed by service'),
    metrics: MetricsSchema.describe(
      'Top-level metrics of every service; detailed metrics for investigated services',
    ),
    available_actions: z
      .array(z.string())
      .describe('Every valid action: investigate:<service>, escalate:<team>, apply_fix:<fix>, postmortem:<text>, no_op'),
    message: z.string().describe('Feedback on the last action'),
    task_id: z.string(),
    task_description: z.string(),
    max_steps: z.number().int().positive(),
    services: z.array(ServiceInfoSchema).describe('Service catalogue: owners and dependencies'),
    investigated: z.array(z.string()).describe('Services investigated so far, in order'),
    reward_reason: z.string().optional().describe("Why the last step earned its reward (absent after a reset)"),
    // Generated incidents only:
    remedy_kinds: z.record(z.string(), z.string()).optional().describe('Generated: each remediation kind on the fix menu (fix ids are <kind>@<service>)'),
    metric_evidence: z.record(z.string(), z.string()).optional().describe("Generated: the evidence id of each investigated service's metrics"),
    logs_as_of: z.record(z.string(), z.number()).optional().describe("Generated: the elapsed minute each service's logs were searched at (search again to see newer lines)"),
    elapsed_minutes: z.number().optional().describe('Generated: simulated minutes since detection'),
    clock: z.string().optional().describe('Generated: simulated wall-clock time (ISO 8601)'),
    error_budget_remaining_pct: z.number().optional().describe('Generated: error budget left, in percent'),
    scenario: z
      .object({ seed: z.number(), difficulty: z.string(), split: z.string(), family: z.string().nullable() })
      .optional()
      .describe('Generated: the parameters the incident was drawn from'),
  })
  .meta({ title: 'IncidentObservation' });
export type Observation = z.infer<typeof ObservationSchema>;

export const RewardSchema = z.object({
  value: z.number(),
  reason: z.string(),
});
export type Reward = z.infer<typeof RewardSchema>;

export const RubricItemResultSchema = z.object({
  id: z.string(),
  description: z.string(),
  weight: z.number(),
  earned: z.number(),
  met: z.boolean(),
  why: z.string(),
});
export type RubricItemResult = z.infer<typeof RubricItemResultSchema>;

export const PenaltySchema = z.object({
  step: z.number().int(),
  points: z.number(),
  reason: z.string(),
});

export const GradeSchema = z.object({
  score: z.number().gt(0).lt(1).describe('Episode score, always strictly inside (0, 1)'),
  raw: z.number().describe('Rubric points minus penalties, before clamping'),
  items: z.array(RubricItemResultSchema),
  penalties: z.array(PenaltySchema),
});
export type Grade = z.infer<typeof GradeSchema>;

export const GraderStateSchema = z
  .record(z.string(), z.union([z.boolean(), z.number()]))
  .describe('Progress per rubric item and penalty counters (no ground truth)');
export type GraderState = z.infer<typeof GraderStateSchema>;

export const StepInfoSchema = z.looseObject({
  score: z.number(),
  grader_state: GraderStateSchema,
});

export const StepResultSchema = z
  .object({
    observation: ObservationSchema,
    reward: RewardSchema,
    done: z.boolean(),
    info: StepInfoSchema,
  })
  .meta({ title: 'StepResult' });
export type StepResult = z.infer<typeof StepResultSchema>;

export const HistoryEntrySchema = z.object({
  step: z.number().int(),
  action: ActionSchema.omit({ metadata: true }),
  reward: z.number(),
  reason: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const StateSchema = z
  .looseObject({
    episode_id: z.string().nullable(),
    step_count: z.number().int().min(0),
    task_id: z.string(),
    step: z.number().int().min(0),
    max_steps: z.number().int().positive(),
    score: z.number().gt(0).lt(1),
    done: z.boolean(),
    cumulative_reward: z.number(),
    history: z.array(HistoryEntrySchema),
    grader_state: GraderStateSchema,
    rubric: z
      .array(RubricItemResultSchema)
      .describe('Each rubric item; the reasons name the ground truth only once the episode is over'),
    penalties: z.array(PenaltySchema),
    ground_truth: z
      .looseObject({ root_cause: z.string(), team: z.string(), fix: z.string(), mechanism: z.string() })
      .nullable()
      .describe('Revealed only after the episode ends'),
  })
  .meta({ title: 'IncidentState' });
export type State = z.infer<typeof StateSchema>;

/**
 * Reset options, on every transport. Unknown keys are refused (a typo such as "dificulty" would
 * otherwise silently start a different incident); the generated task's options are checked in full
 * when the incident is drawn.
 */
export const ResetOptionsSchema = z.strictObject({
  task_id: z.string().optional(),
  seed: z.number().int().min(0).nullish(),
  episode_id: z.string().max(255).nullish(),
  difficulty: z.string().nullish(),
  split: z.string().nullish(),
  family: z.string().nullish(),
});
export const RESET_OPTION_KEYS = Object.keys(ResetOptionsSchema.shape) as readonly string[];
export type ResetOptions = z.infer<typeof ResetOptionsSchema>;

export const DIFFICULTIES = ['easy', 'medium', 'hard', 'expert'] as const;

export const TaskSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  difficulty: z.enum(DIFFICULTIES),
  max_steps: z.number().int().positive(),
  description: z.string(),
  rubric: z.array(z.object({ id: z.string(), description: z.string(), weight: z.number() })),
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;
