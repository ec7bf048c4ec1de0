/**
 * The HTTP API's shapes, declared once in zod. Route declarations point at these schemas, so the
 * same objects validate requests (validation.ts), type the handlers (the zod type provider) and
 * produce /openapi.json (@fastify/swagger in dynamic mode, one path per declared route).
 */
import { z } from 'zod';
import { ActionSchema, MAX_TARGET_LENGTH, ObservationSchema, ResetOptionsSchema, SeedSchema, StateSchema, StepResultSchema, TaskSummarySchema } from '../domain/index.js';
import { HttpError } from './errors.js';

export const ENV_NAME = 'incident-response-openenv';
export const ENV_VERSION = '1.0.0';

/** Named schemas: OpenAPI components, referenced by `$ref` wherever a route uses them. */
export const apiRegistry = z.registry<{ id: string }>();
const named = <T extends z.ZodType>(id: string, schema: T): T => {
  apiRegistry.add(schema, { id });
  return schema;
};

export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'session_id must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"');

export const ErrorSchema = named(
  'Error',
  z.looseObject({
    code: z.string().describe('Machine-readable error code'),
    message: z.string().describe('What was wrong and what is allowed'),
    detail: z.unknown().describe('The message, or a FastAPI-style list of {type, loc, msg}'),
  }),
);

const ERROR_TEXT = {
  403: 'The session belongs to another client, or a cross-site request was refused',
  404: 'Unknown task_id (lists the valid ids), or no such drill',
  409: 'No episode in this session yet (reset first), or the session plays another task',
  413: 'Body over the size limit',
  415: 'Body is not JSON',
  422: 'Malformed JSON, an invalid action, query or reset options (names the field and the allowed values)',
  429: 'This client holds its share of the sessions',
  503: 'Session cap reached, or the session store is unavailable (Retry-After)',
} as const;
type ErrorStatus = keyof typeof ERROR_TEXT;

/** A JSON reply, documented with what it is. */
export const jsonReply = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** The error replies a route can give, each documented with what causes it. */
export const errors = (...codes: ErrorStatus[]) => Object.fromEntries(codes.map((c) => [c, jsonReply(ErrorSchema, ERROR_TEXT[c])])) as Record<ErrorStatus, ReturnType<typeof jsonReply<typeof ErrorSchema>>>;

// --- Components -------------------------------------------------------------------------------

export const IncidentActionSchema = named('IncidentAction', ActionSchema);
export const IncidentObservationSchema = named('IncidentObservation', ObservationSchema);
export const IncidentStateSchema = named('IncidentState', StateSchema);
export const StepResultComponent = named('StepResult', StepResultSchema);
export const ResetOptionsComponent = named('ResetOptions', ResetOptionsSchema);

export const OpenEnvResultSchema = named(
  'OpenEnvResult',
  z.object({ observation: ObservationSchema, reward: z.number().nullable(), done: z.boolean() }),
);

/** OpenEnv's step envelope; it has no `action_type` of its own, which is how it is told from a bare action. */
export const OpenEnvStepRequestSchema = named(
  'OpenEnvStepRequest',
  z.looseObject({
    action: ActionSchema,
    timeout_s: z.number().gt(0).optional(),
    request_id: z.string().max(255).optional().describe('Idempotency: a retried request with the same id gets the reply it missed, applied once'),
    action_type: z.never().optional().describe('Absent: a body with an action_type is a bare action (the seed form)'),
  }).meta({ title: 'step request' }),
);

/**
 * The seed's bare action, read as the seed read it: unknown keys (a model's "reasoning") are
 * dropped and the target is trimmed and case-folded. OpenEnv's envelope stays strict.
 */
export const SeedStepRequestSchema = named(
  'SeedStepRequest',
  z.object({ ...ActionSchema.shape, target: z.string().trim().toLowerCase().max(MAX_TARGET_LENGTH).default('').describe(ActionSchema.shape.target.description ?? '') }).meta({ title: 'action' }),
);

/** POST /step: the bare action (seed) or `{"action": {...}}` (OpenEnv). */
export const StepRequestSchema = z.union([SeedStepRequestSchema, OpenEnvStepRequestSchema]);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Which of the two step dialects a body is, so a mistake is reported against the fields of the
 * form the client meant: `action` without `action_type` is the envelope. No object at all is
 * FastAPI's "body required".
 */
export function stepDialect(body: unknown): z.ZodType | HttpError {
  if (!isPlainObject(body)) {
    return new HttpError(422, 'VALIDATION_ERROR', 'the /step body must be a JSON object: an action, or {"action": {...}}', {
      detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }],
    });
  }
  return 'action' in body && !('action_type' in body) ? OpenEnvStepRequestSchema : SeedStepRequestSchema;
}

/** POST /reset: no body (the seed form, answered with the bare observation) or reset options (OpenEnv). */
export const ResetRequestSchema = ResetOptionsComponent.nullish().meta({ title: 'reset options' });

export const TaskListSchema = named(
  'TaskList',
  z.object({
    tasks: z.array(
      z.union([
        TaskSummarySchema,
        z.looseObject({ id: z.literal('generated'), title: z.string(), difficulty: z.literal('configurable'), max_steps: z.null(), description: z.string(), options: z.record(z.string(), z.unknown()) }),
      ]),
    ),
    generator_version: z.string(),
    families: z.array(z.object({ id: z.string(), title: z.string(), root_tiers: z.array(z.string()), variants: z.array(z.object({ id: z.string(), splits: z.array(z.string()) })) })),
    remedy_kinds: z.array(z.object({ id: z.string(), description: z.string(), tiers: z.array(z.string()), minutes: z.number() })),
    difficulties: z.array(z.looseObject({ id: z.string(), what_it_asks: z.string(), services: z.array(z.number()), max_steps: z.number() })),
  }),
);

export const MetadataSchema = named(
  'Metadata',
  z.object({
    name: z.string(),
    description: z.string(),
    readme_content: z.string().nullable(),
    version: z.string(),
    generator_version: z.string().describe('Version of the incident generator: any change to what a seed produces bumps it'),
    author: z.string().nullable(),
    documentation_url: z.string().nullable(),
  }),
);

/** A JSON-RPC request on /mcp (read by the dispatcher itself: errors are answered in-band). */
export const JsonRpcRequestSchema = named(
  'JsonRpcRequest',
  z.strictObject({
    jsonrpc: z.literal('2.0'),
    method: z.string().describe('tools/list, tools/call, openenv/session/create, openenv/session/close, initialize, ping'),
    params: z.record(z.string(), z.unknown()).default({}),
    id: z.union([z.string(), z.number().int(), z.null()]).optional(),
  }),
);

export const JsonRpcResponseSchema = named(
  'JsonRpcResponse',
  z.looseObject({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number(), z.null()]),
    result: z.unknown().optional(),
    error: z.object({ code: z.number(), message: z.string(), data: z.unknown() }).optional(),
  }),
);

// --- Query strings and headers ----------------------------------------------------------------

/** Where a seed-API request plays: a task's default session per client, or an explicit session. */
export const SessionQuerySchema = z
  .looseObject({
    task_id: z.string().min(1).max(100).optional().describe('task_easy | task_medium | task_hard | generated (reset default: task_easy)'),
    session_id: SessionIdSchema.optional().describe('Explicit session; without one each task id has a default session per client'),
  })
  .meta({ title: 'query parameters' });

/** /reset and /session also take the episode's options in the query string (the seed's form). */
export const ResetQuerySchema = SessionQuerySchema.extend({
  seed: SeedSchema.optional().describe('Whole number from 0; the same seed and actions give the same episode'),
  episode_id: z.string().max(255).optional(),
  difficulty: z.string().max(20).optional().describe('generated: easy | medium | hard | expert'),
  family: z.string().max(60).optional().describe('generated: one of /tasks families[].id'),
  split: z.string().max(10).optional().describe('generated: train | test'),
}).meta({ title: 'query parameters' });

export const SessionHeadersSchema = z.looseObject({ 'x-session-id': SessionIdSchema.optional().describe('Same as session_id') }).meta({ title: 'session id' });

// --- Drills -----------------------------------------------------------------------------------

/** Longest hint a facilitator may send, and how many a drill keeps. */
export const HINT_MAX_CHARS = 500;
export const HINTS_PER_DRILL = 50;

export const DrillQuerySchema = z
  .looseObject({
    task_id: z.string().min(1).max(100).optional(),
    seed: SeedSchema.optional(),
    difficulty: z.string().max(20).optional(),
    family: z.string().max(60).optional(),
    split: z.string().max(10).optional(),
    exam: z.enum(['0', '1', 'true', 'false']).optional().describe('1: the console hides per-step rewards from the player'),
  })
  .meta({ title: 'drill options' });
export const DrillParamsSchema = z.strictObject({ id: SessionIdSchema }).meta({ title: 'drill id' });
export const FacilitatorKeySchema = z.strictObject({ key: z.string().min(1).max(100) }).meta({ title: 'facilitator key' });
export const HintRequestSchema = z.strictObject({ key: z.string().min(1).max(100), text: z.string().trim().min(1).max(HINT_MAX_CHARS) }).meta({ title: 'hint' });

const HintsSchema = z.array(z.object({ step: z.number().int(), text: z.string() }));
export const DrillStartSchema = z.object({ session_id: z.string(), facilitator_key: z.string(), exam: z.boolean(), observation: ObservationSchema });
export const DrillViewSchema = z.looseObject({
  session_id: z.string(),
  task_id: z.string(),
  exam: z.boolean(),
  hints: HintsSchema,
  ground_truth: z.unknown().describe('The incident as generated: roots, owners, remedies'),
  observation: ObservationSchema,
  state: StateSchema,
});
export const DrillHintsSchema = z.looseObject({ session_id: z.string(), exam: z.boolean().optional(), hints: HintsSchema });
