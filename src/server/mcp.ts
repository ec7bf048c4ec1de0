/**
 * MCP over JSON-RPC 2.0: the incident as tools an MCP-native agent can call. One tool per
 * action type (a call in a session is a step), plus tools to start an incident and to look at
 * it without acting. Shared by POST /mcp, WebSocket /mcp and the `mcp` message of /ws.
 */
import { randomUUID } from 'node:crypto';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ALL_TASK_IDS, DIFFICULTIES, FAMILY_IDS, InvestigationViewSchema, MAX_DETAILS_LENGTH, SPLITS, type Action, type InvestigationView, type Observation } from '../domain/index.js';
import { EnvError, type Environments } from './environments.js';
import { ENV_NAME, ENV_VERSION, JsonRpcRequestSchema } from './api-schemas.js';
import { issuesToDetail } from './errors.js';
import { envKey, type ProtocolSessions } from './protocol-sessions.js';

export const JSONRPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SERVER_ERROR: -32000,
} as const;

type Id = string | number | null;
export type JsonRpcResponse =
  | { jsonrpc: '2.0'; id: Id; result: unknown }
  | { jsonrpc: '2.0'; id: Id; error: { code: number; message: string; data: unknown } };

export const rpcError = (id: Id, code: number, message: string, data: unknown = null): JsonRpcResponse => ({
  jsonrpc: '2.0',
  id,
  error: { code, message, data },
});
const rpcResult = (id: Id, result: unknown): JsonRpcResponse => ({ jsonrpc: '2.0', id, result });


const details = z.string().max(MAX_DETAILS_LENGTH).optional().describe('What you found, e.g. "root cause: <service> ...". A root-cause statement here is graded.');

const TOOLS = {
  start_incident: {
    description:
      'Start (or restart) an incident in this session. Call it first to choose a task; the observation lists the alerts, ' +
      'a metrics overview of every service and every valid target for the other tools.',
    args: z.strictObject({
      task_id: z.enum(ALL_TASK_IDS as [string, ...string[]]).optional().describe('Which incident (default task_easy); "generated" draws a new one'),
      seed: z.number().int().min(0).optional().describe('Seed: the same seed and options give the same incident'),
      difficulty: z.enum(DIFFICULTIES).optional().describe('generated only (default medium)'),
      family: z.enum(FAMILY_IDS as [string, ...string[]]).optional().describe('generated only: pin the fault family'),
      split: z.enum(SPLITS).optional().describe('generated only: train (default) or the held-out test split'),
    }),
    step: false,
  },
  view_incident: {
    description: 'Show the current observation and score without acting (does not use a step). Use it to re-read logs and metrics.',
    args: z.strictObject({}),
    step: false,
  },
  investigate: {
    description:
      "Read one service's logs and detailed metrics. Use it to follow the symptoms along dependencies to the root cause " +
      'before escalating or fixing. On generated incidents, view "logs" runs just a log search (it shows the lines written ' +
      'until it finished; search again for newer ones) and view "metrics" just opens the detailed metrics (they stay live), ' +
      'each in less simulated time than both.',
    args: z.strictObject({
      service: z.string().describe('A service name from the observation'),
      view: InvestigationViewSchema.optional().describe('Generated incidents: "logs" or "metrics" only; omitted, both'),
    }),
    step: true,
  },
  escalate: {
    description:
      'Page the team that owns the root-cause service, once you have evidence. Paging a team that does not own the cause costs points.',
    args: z.strictObject({ team: z.string().describe('A team name from the observation'), details }),
    step: true,
  },
  apply_fix: {
    description: 'Apply the remediation that removes the root cause. Wrong remediations cost points and can make things worse.',
    args: z.strictObject({ fix_id: z.string().describe('A fix id from the observation'), details }),
    step: true,
  },
  submit_postmortem: {
    description:
      'Submit the postmortem once the incident is mitigated: root cause (one service), mechanism, impact, remediation and ' +
      'prevention, in sentences or as a JSON object with those keys. Only the first postmortem is graded.',
    args: z.strictObject({ text: z.string().min(1).max(MAX_DETAILS_LENGTH).describe('The postmortem') }),
    step: true,
  },
  no_op: {
    description: 'Do nothing this step. It costs points; only useful to wait.',
    args: z.strictObject({}),
    step: true,
  },
} as const;
export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

export interface ToolDescription {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

const inputSchemas = new Map(
  TOOL_NAMES.map((name) => {
    const { $schema: _drop, ...schema } = z.toJSONSchema(TOOLS[name].args, { io: 'input' }) as Record<string, unknown>;
    return [name, schema] as const;
  }),
);

export function listTools(): ToolDescription[] {
  return TOOL_NAMES.map((name) => ({ name, description: TOOLS[name].description, inputSchema: inputSchemas.get(name)! }));
}

function toAction(name: ToolName, args: Record<string, string | undefined>): Action | null {
  switch (name) {
    case 'investigate':
      return { action_type: 'investigate', target: args.service ?? '', ...(args.view ? { view: args.view as InvestigationView } : {}) };
    case 'escalate':
      return { action_type: 'escalate', target: args.team ?? '', details: args.details ?? null };
    case 'apply_fix':
      return { action_type: 'apply_fix', target: args.fix_id ?? '', details: args.details ?? null };
    case 'submit_postmortem':
      return { action_type: 'postmortem', target: '', details: args.text ?? '' };
    case 'no_op':
      return { action_type: 'no_op', target: '' };
    default:
      return null;
  }
}

/** What a tool call produced, in the shape of FastMCP's CallToolResult. */
export interface CallToolResult {
  content: { type: 'text'; text: string; annotations: null; meta: null }[];
  structured_content: Record<string, unknown> | null;
  structuredContent: Record<string, unknown> | null;
  meta: null;
  data: unknown;
  is_error: boolean;
  isError: boolean;
}

const callResult = (data: Record<string, unknown> | string, isError = false): CallToolResult => {
  const structured = typeof data === 'string' ? null : data;
  return {
    content: [{ type: 'text', text: typeof data === 'string' ? data : JSON.stringify(data), annotations: null, meta: null }],
    structured_content: structured,
    structuredContent: structured,
    meta: null,
    data,
    is_error: isError,
    isError,
  };
};

export type ToolOutcome =
  | { kind: 'not_found'; message: string }
  | { kind: 'invalid_args'; message: string; result: CallToolResult }
  | { kind: 'ok'; result: CallToolResult; reward: number | null; done: boolean; observation: Observation };

/** Runs one tool in the episode stored under `key`, starting a default incident if there is none. */
export async function callTool(envs: Environments, key: string, name: string, rawArgs: unknown): Promise<ToolOutcome> {
  if (!Object.hasOwn(TOOLS, name)) return { kind: 'not_found', message: `Tool not found: ${name}; available: ${TOOL_NAMES.join(', ')}` };
  const tool = TOOLS[name as ToolName];
  const parsed = tool.args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const message = `invalid arguments for ${name}: ${issuesToDetail(parsed.error, []).map((d) => `${d.loc.join('.') || '(arguments)'}: ${d.msg}`).join('; ')}`;
    return { kind: 'invalid_args', message, result: callResult(message, true) };
  }
  const args = parsed.data as Record<string, string | undefined> & { seed?: number };
  // A call in a session with no incident yet starts the default one; a rejected call leaves none behind.
  let implicit = false;
  try {
    implicit = name !== 'start_incident' && !(await envs.has(key));
    if (name === 'start_incident' || implicit) {
      const started = await envs.reset(key, name === 'start_incident' ? args : {});
      if (name === 'start_incident') {
        const data = { observation: started.observation, reward: null, done: false };
        return { kind: 'ok', result: callResult(data), reward: null, done: false, observation: started.observation };
      }
    }
    if (name === 'view_incident') {
      const s = await envs.state(key);
      const { observation } = await envs.observe(key);
      const data = { observation, done: s.done, score: s.score, rubric: s.rubric };
      return { kind: 'ok', result: callResult(data), reward: null, done: s.done, observation };
    }
    const action = toAction(name as ToolName, args)!;
    const { result } = await envs.step(key, action);
    const data = { observation: result.observation, reward: result.reward.value, reason: result.reward.reason, done: result.done, score: result.info.score };
    return { kind: 'ok', result: callResult(data), reward: result.reward.value, done: result.done, observation: result.observation };
  } catch (error) {
    if (implicit) await envs.close(key).catch(() => false);
    if (error instanceof EnvError) return { kind: 'invalid_args', message: error.message, result: callResult(error.message, true) };
    throw error;
  }
}

export interface RpcContext {
  envs: Environments;
  sessions: ProtocolSessions;
  /** The session a WebSocket connection owns: calls without a session_id use it. */
  bound?: string;
  /** The caller's address, for the per-client quota. */
  client?: string;
  /**
   * HTTP MCP sessions live in a shared store (many replicas): any replica serves them, the store
   * counts their capacity and quota, and its TTL expires them.
   */
  shared?: boolean;
}

/** Handles one parsed JSON-RPC message. */
export async function handleRpc(ctx: RpcContext, message: unknown): Promise<JsonRpcResponse> {
  const parsed = JsonRpcRequestSchema.safeParse(message);
  if (!parsed.success) {
    const id = message && typeof message === 'object' && 'id' in message ? ((message as { id: unknown }).id as Id) : null;
    const issues = issuesToDetail(parsed.error, []).map((d) => `${d.loc.join('.') || '(request)'}: ${d.msg}`);
    return rpcError(typeof id === 'string' || typeof id === 'number' ? id : null, JSONRPC.INVALID_REQUEST, `Invalid request: ${issues.join('; ')}`);
  }
  const { method, params } = parsed.data;
  const id = parsed.data.id ?? null;
  const { envs, sessions } = ctx;

  /** A session this replica holds, or (shared store) one any replica created. */
  const known = async (sid: unknown): Promise<boolean> =>
    typeof sid === 'string' && (sessions.kindOf(sid) !== undefined || (ctx.shared === true && sid.length <= 64 && (await envs.has(envKey(sid)))));
  const sessionParam = async (): Promise<{ id: string } | { error: JsonRpcResponse } | null> => {
    const sid = params.session_id;
    if (sid === undefined) return ctx.bound ? { id: ctx.bound } : null;
    if (!(await known(sid))) return { error: rpcError(id, JSONRPC.INVALID_PARAMS, `Unknown session_id: ${String(sid)}`) };
    return { id: sid as string };
  };

  try {
    switch (method) {
      case 'initialize':
        return rpcResult(id, {
          // Version negotiation: a version this server speaks is echoed, any other gets the latest.
          protocolVersion: typeof params.protocolVersion === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(params.protocolVersion) ? params.protocolVersion : LATEST_PROTOCOL_VERSION,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: ENV_NAME, version: ENV_VERSION },
        });
      case 'ping':
        return rpcResult(id, {});
      case 'tools/list':
        return rpcResult(id, { tools: listTools() });
      case 'tools/call': {
        if (typeof params.name !== 'string') return rpcError(id, JSONRPC.INVALID_PARAMS, "Missing 'name' in params");
        const session = await sessionParam();
        if (session && 'error' in session) return session.error;
        // Without a session the call runs in a throwaway episode, as the protocol specifies.
        const key = session ? envKey(session.id) : `tmp:${randomUUID()}`;
        try {
          if (session) sessions.touch(session.id);
          const outcome = await callTool(envs, key, params.name, params.arguments);
          if (outcome.kind === 'not_found') return rpcError(id, JSONRPC.INVALID_PARAMS, outcome.message);
          return rpcResult(id, outcome.result);
        } finally {
          if (!session) await envs.close(key).catch(() => false);
        }
      }
      case 'openenv/session/create': {
        if (ctx.shared && !ctx.bound) {
          // The store holds the session: its capacity, the client's quota and its TTL apply across replicas.
          const sid = randomUUID();
          const { session_id: _ignored, ...options } = params;
          try {
            await envs.reset(envKey(sid), options, ctx.client);
          } catch (error) {
            if (error instanceof EnvError) return rpcError(id, error.kind === 'invalid_options' || error.kind === 'unknown_task' ? JSONRPC.INVALID_PARAMS : JSONRPC.SERVER_ERROR, error.message, { reason: error.kind });
            throw error;
          }
          return rpcResult(id, { session_id: sid });
        }
        const opened = sessions.open('mcp-http', ctx.client);
        if (!opened.ok) {
          return rpcError(id, JSONRPC.SERVER_ERROR, opened.message, opened.reason === 'capacity' ? { active_sessions: sessions.active, max_sessions: sessions.max } : { reason: 'quota' });
        }
        const sid = opened.id;
        try {
          const { session_id: _ignored, ...options } = params;
          await envs.reset(envKey(sid), options);
        } catch (error) {
          sessions.close(sid);
          if (error instanceof EnvError) return rpcError(id, JSONRPC.INVALID_PARAMS, error.message);
          throw error;
        }
        return rpcResult(id, { session_id: sid });
      }
      case 'openenv/session/close': {
        const sid = params.session_id;
        if (sid === undefined || sid === null) return rpcError(id, JSONRPC.INVALID_PARAMS, "Invalid params - 'session_id' is required");
        if (typeof sid !== 'string' || !(await known(sid))) return rpcError(id, JSONRPC.INVALID_PARAMS, `Unknown session_id: ${String(sid)}`);
        const kind = sessions.kindOf(sid);
        if (sid === ctx.bound || (kind !== undefined && kind !== 'mcp-http')) {
          return rpcError(id, JSONRPC.INVALID_REQUEST, 'Cannot close active WebSocket-managed session via MCP method');
        }
        sessions.close(sid);
        await envs.close(envKey(sid));
        return rpcResult(id, { session_id: sid, closed: true });
      }
      default:
        return rpcError(id, JSONRPC.METHOD_NOT_FOUND, `Method not found: ${method}`);
    }
  } catch (error) {
    if (error instanceof EnvError && error.kind === 'unavailable') return rpcError(id, JSONRPC.SERVER_ERROR, error.message, { reason: 'unavailable', retry_after: 1 });
    return rpcError(id, JSONRPC.INTERNAL_ERROR, error instanceof Error ? error.message : 'internal error');
  }
}
