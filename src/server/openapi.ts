/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
import { z } from 'zod';
import { ActionSchema, ObservationSchema, ResetOptionsSchema, StateSchema, StepResultSchema, TaskSummarySchema } from '../domain/index.js';
import { ENV_VERSION } from './http-routes.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

export const MetadataSchema = z.object({
  name: z.string(),
  description: z.string(),
  readme_content: z.string().nullable(),
  version: z.string(),
  generator_version: z.string().describe('Version of the incident generator: any change to what a seed produces bumps it'),
  author: z.string().nullable(),
  documentation_url: z.string().nullable(),
});

const ErrorSchema = z.looseObject({
  code: z.string().describe('Machine-readable error code'),
  message: z.string().describe('What was wrong and what is allowed'),
  detail: z.unknown().describe('The message, or a FastAPI-style list of {type, loc, msg}'),
});

const OpenEnvStepRequestSchema = z.looseObject({
  action: ActionSchema,
  timeout_s: z.number().gt(0).optional(),
  request_id: z.string().max(255).optional(),
});

const OpenEnvResultSchema = z.object({
  observation: ObservationSchema,
  reward: z.number().nullable(),
  done: z.boolean(),
});

const JsonRpcRequestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string().describe('tools/list, tools/call, openenv/session/create, openenv/session/close, initialize, ping'),
  params: z.record(z.string(), z.unknown()).optional(),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
});

const JsonRpcResponseSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string(), data: z.unknown() }).optional(),
});

const components = {
  IncidentAction: jsonSchema(ActionSchema, 'input'),
  IncidentObservation: jsonSchema(ObservationSchema),
  StepResult: jsonSchema(StepResultSchema),
  IncidentState: jsonSchema(StateSchema),
  ResetOptions: jsonSchema(ResetOptionsSchema, 'input'),
  OpenEnvStepRequest: jsonSchema(OpenEnvStepRequestSchema, 'input'),
  OpenEnvResult: jsonSchema(OpenEnvResultSchema),
  TaskList: jsonSchema(
    z.object({
      tasks: z.array(z.union([TaskSummarySchema, z.looseObject({ id: z.literal('generated'), title: z.string(), difficulty: z.literal('configurable'), max_steps: z.null(), description: z.string(), options: z.record(z.string(), z.unknown()) })])),
      generator_version: z.string(),
      families: z.array(z.object({ id: z.string(), title: z.string(), root_tiers: z.array(z.string()), variants: z.array(z.object({ id: z.string(), splits: z.array(z.string()) })) })),
      remedy_kinds: z.array(z.object({ id: z.string(), description: z.string(), tiers: z.array(z.string()), minutes: z.number() })),
      difficulties: z.array(z.looseObject({ id: z.string(), what_it_asks: z.string(), services: z.array(z.number()), max_steps: z.number() })),
    }),
  ),
  Metadata: jsonSchema(MetadataSchema),
  Health: jsonSchema(z.object({ status: z.literal('healthy') })),
  Error: jsonSchema(ErrorSchema),
  JsonRpcRequest: jsonSchema(JsonRpcRequestSchema),
  JsonRpcResponse: jsonSchema(JsonRpcResponseSchema),
};

const ref = (name: keyof typeof components) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), json(ref('Error'), ERROR_TEXT[c] ?? 'Error')]));
const ERROR_TEXT: Record<number, string> = {
  404: 'Unknown task_id (lists the valid ids)',
  409: 'No episode in this session yet (reset first), or the session plays another task',
  413: 'Body over the size limit',
  415: 'Body is not JSON',
  422: 'Malformed JSON, invalid action or invalid reset options (names the field and the allowed values)',
  503: 'Session cap reached',
};

const sessionParams = [
  { name: 'task_id', in: 'query', required: false, schema: { type: 'string' }, description: 'task_easy | task_medium | task_hard (reset default: task_easy)' },
  { name: 'session_id', in: 'query', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, description: 'Explicit session; without one each task id has a default session' },
  { name: 'X-Session-Id', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, description: 'Same as session_id' },
];

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Incident Response OpenEnv HTTP API',
      version: ENV_VERSION,
      description:
        'The seed HTTP API and the OpenEnv protocol on one port. WebSocket routes (not listed by OpenAPI): ' +
        '/ws (OpenEnv session protocol) and /mcp (JSON-RPC over WebSocket).',
    },
    paths: {
      '/': { get: { summary: 'Service banner', responses: { 200: json({ type: 'object' }, '{"status":"ok","env":...,"version":...}') } } },
      '/health': { get: { summary: 'Health check', responses: { 200: json(ref('Health'), 'Always healthy while serving') } } },
      '/metadata': { get: { summary: 'Environment metadata', responses: { 200: json(ref('Metadata'), 'Name, description, README, version') } } },
      '/schema': {
        get: {
          summary: 'JSON Schemas of action, observation and state',
          responses: { 200: json({ type: 'object', properties: { action: { type: 'object' }, observation: { type: 'object' }, state: { type: 'object' } } }, 'Schemas') },
        },
      },
      '/tasks': { get: { summary: 'The tasks and their rubrics', responses: { 200: json(ref('TaskList'), 'Tasks') } } },
      '/reset': {
        post: {
          summary: 'Start an episode',
          description:
            'Seed form: no body, answers the Observation. OpenEnv form: a JSON object body of reset options ({} allowed), answers {observation, reward, done}.',
          parameters: [...sessionParams, { name: 'seed', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } }],
          requestBody: { required: false, content: { 'application/json': { schema: ref('ResetOptions') } } },
          responses: { 200: json({ oneOf: [ref('IncidentObservation'), ref('OpenEnvResult')] }, 'Observation (seed form) or OpenEnv result'), ...errors(404, 413, 415, 422, 503) },
        },
      },
      '/step': {
        post: {
          summary: 'Take one action',
          description: 'Seed form: the action is the body, answers StepResult. OpenEnv form: {"action": {...}}, answers {observation, reward, done}.',
          parameters: sessionParams,
          requestBody: { required: true, content: { 'application/json': { schema: { oneOf: [ref('IncidentAction'), ref('OpenEnvStepRequest')] } } } },
          responses: { 200: json({ oneOf: [ref('StepResult'), ref('OpenEnvResult')] }, 'StepResult (seed form) or OpenEnv result'), ...errors(404, 409, 413, 415, 422) },
        },
      },
      '/state': {
        get: { summary: 'Episode state, score and rubric explanation', parameters: sessionParams, responses: { 200: json(ref('IncidentState'), 'State'), ...errors(404, 409, 422) } },
      },
      '/drill': {
        post: {
          summary: 'Start a drill: a session for the player and a facilitator key (exam=1 hides per-step rewards in the console)',
          parameters: ['task_id', 'seed', 'difficulty', 'family', 'split', 'exam'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          responses: { 200: { description: '{session_id, facilitator_key, exam, observation}' }, ...errors(404, 422, 429, 503) },
        },
      },
      '/drill/{id}': {
        get: {
          summary: "The facilitator's view (needs the key): ground truth, observation and state as the drill goes; the debrief once it is over",
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { name: 'key', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: '{session_id, task_id, exam, hints, ground_truth, observation, state}' }, ...errors(404, 422) },
        },
      },
      '/drill/{id}/hints': {
        get: { summary: "The player's hints (from the address that owns the session)", parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: '{session_id, exam, hints}' }, ...errors(404) } },
        post: {
          summary: 'Send the player a hint (needs the key; at most 500 characters)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['key', 'text'], properties: { key: { type: 'string' }, text: { type: 'string', maxLength: 500 } } } } } },
          responses: { 200: { description: '{session_id, hints}' }, ...errors(404, 422) },
        },
      },
      '/mcp': {
        post: {
          summary: 'MCP: Streamable HTTP (initialize, then the Mcp-Session-Id header) or OpenEnv JSON-RPC (always HTTP 200)',
          description:
            'An initialize request, or any request carrying Mcp-Session-Id, is MCP Streamable HTTP (202 for notifications, 404 for an unknown session, 406 without Accept: application/json, text/event-stream). Anything else is OpenEnv\'s JSON-RPC dialect: always HTTP 200, the session in params.session_id.',
          requestBody: { required: true, content: { 'application/json': { schema: ref('JsonRpcRequest') } } },
          responses: { 200: json(ref('JsonRpcResponse'), 'JSON-RPC result or error'), 202: { description: 'Notification accepted' } },
        },
        get: { summary: 'The event stream of an MCP session (Mcp-Session-Id), or MCP over WebSocket with Upgrade: websocket', responses: { 200: { description: 'text/event-stream' }, 405: { description: 'No session and no upgrade' } } },
        delete: { summary: 'End an MCP session (Mcp-Session-Id)', responses: { 200: { description: 'Session ended' }, 400: { description: 'No Mcp-Session-Id' }, 404: { description: 'Unknown session' } } },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: json({ type: 'object' }, 'OpenAPI 3.1') } } },
    },
    components: { schemas: components },
  };
}

export function schemaDocument(): Record<string, unknown> {
  return { action: components.IncidentAction, observation: components.IncidentObservation, state: components.IncidentState };
}
