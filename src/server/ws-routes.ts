/**
 * WebSocket /ws: OpenEnv's stateful session protocol, one episode per connection, one reply
 * per request in order. Also WebSocket /mcp: raw JSON-RPC, one session per connection.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { ActionSchema, ResetOptionsSchema } from '../domain/index.js';
import { EnvError, type Environments } from './environments.js';
import { issuesToDetail, type ErrorDetail } from './errors.js';
import { JSONRPC, callTool, handleRpc, listTools, rpcError } from './mcp.js';
import { openEnvResultJson } from './serialize.js';
import type { Metrics } from './metrics.js';
import { envKey, type ProtocolSessions } from './protocol-sessions.js';

const Data = z.record(z.string(), z.unknown());
const ENVELOPES = {
  reset: z.strictObject({ type: z.literal('reset'), data: Data.optional() }),
  step: z.strictObject({ type: z.literal('step'), data: Data }),
  state: z.strictObject({ type: z.literal('state') }),
  close: z.strictObject({ type: z.literal('close') }),
  mcp: z.strictObject({ type: z.literal('mcp'), data: Data }),
} as const;
type MessageType = keyof typeof ENVELOPES;

const ListToolsAction = z.strictObject({ type: z.literal('list_tools'), metadata: Data.optional() });
const CallToolAction = z.strictObject({
  type: z.literal('call_tool'),
  tool_name: z.string(),
  arguments: Data.default({}),
  metadata: Data.optional(),
});

/** Errors that end the connection after their frame; the others leave it open. */
type FatalCode = 'CAPACITY_REACHED' | 'FACTORY_ERROR' | 'SESSION_ERROR';
type ErrorCode = 'INVALID_JSON' | 'UNKNOWN_TYPE' | 'VALIDATION_ERROR' | 'EXECUTION_ERROR' | FatalCode;

class WsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const invalid = (errors: ErrorDetail[]) =>
  new WsError('VALIDATION_ERROR', `Invalid message: ${errors.map((e) => `${e.loc.join('.') || '(message)'}: ${e.msg}`).join('; ')}`, { errors });

function fromEnvError(error: EnvError): WsError {
  switch (error.kind) {
    case 'invalid_action':
      return invalid([{ type: 'invalid_target', loc: [String(error.extra.field ?? 'target')], msg: error.message }]);
    case 'unknown_task':
      return invalid([{ type: 'unknown_task', loc: ['task_id'], msg: error.message }]);
    case 'invalid_options':
      return invalid([{ type: 'invalid_options', loc: [], msg: error.message }]);
    default:
      return new WsError('EXECUTION_ERROR', error.message);
  }
}

export interface WsRoutesOptions {
  envs: Environments;
  sessions: ProtocolSessions;
  metrics: Metrics;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  postmortemMaxChars: number;
  /** Unsent reply bytes a connection may hold before it is closed (a client that does not read). */
  maxBufferedBytes: number;
  /** Answers a plain GET /mcp (no upgrade): the event stream of an MCP Streamable HTTP session. */
  mcpGet: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Grace for a close frame to get through before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** Frames a connection may have waiting for their reply (they are answered in order, one at a time). */
const MAX_PENDING_FRAMES = 256;

/**
 * Runs each frame's handler after the previous one finished, so replies keep the order of the
 * requests even when a handler waits on the session store; a client that pipelines more than
 * MAX_PENDING_FRAMES unanswered frames is closed (1008).
 */
function inOrder(socket: WebSocket, handler: (raw: Buffer, isBinary: boolean) => Promise<void>): (raw: Buffer, isBinary: boolean) => void {
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  return (raw, isBinary) => {
    if (pending >= MAX_PENDING_FRAMES) {
      if (socket.readyState === socket.OPEN) socket.close(1008, `more than ${MAX_PENDING_FRAMES} messages waiting for replies; wait for replies before sending more`);
      return;
    }
    pending++;
    // A handler that failed must not stop the frames after it (each handler answers its own errors).
    tail = tail
      .then(() => handler(raw, isBinary))
      .catch(() => undefined)
      .finally(() => pending--);
  };
}

/**
 * Keeps a connection honest: a ping every interval (no pong by the next one means the peer is
 * gone, so the socket is terminated), and a close after `idleMs` without a message.
 */
function keepAlive(socket: WebSocket, pingMs: number, idleMs: number): { activity(): void } {
  let alive = true;
  socket.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, pingMs);
  let idle = setTimeout(() => socket.close(1000, 'idle timeout'), idleMs);
  socket.on('close', () => {
    clearInterval(ping);
    clearTimeout(idle);
  });
  return {
    activity() {
      clearTimeout(idle);
      idle = setTimeout(() => socket.close(1000, 'idle timeout'), idleMs);
    },
  };
}

/** What a plain HTTP request to a WebSocket endpoint gets: 426 and a hint. */
const upgradeRequired = (message: string) => async (_req: FastifyRequest, reply: FastifyReply) =>
  reply.code(426).header('upgrade', 'websocket').send({ detail: message, code: 'UPGRADE_REQUIRED', message });

/** A reply already serialised (the hot step path). */
class RawJson {
  constructor(readonly text: string) {}
}

export async function wsRoutes(app: FastifyInstance, { envs, sessions, metrics, pingIntervalMs, idleTimeoutMs, postmortemMaxChars, maxBufferedBytes, mcpGet }: WsRoutesOptions): Promise<void> {
  /**
   * Backpressure: a client that sends but never reads would make the server buffer replies without
   * bound. Past the limit it is closed (1008) and destroyed shortly after, freeing what it held.
   */
  const overloaded = (socket: WebSocket) => {
    if (socket.bufferedAmount <= maxBufferedBytes) return false;
    if (socket.readyState === socket.OPEN) {
      socket.close(1008, `client is not reading replies: more than ${maxBufferedBytes} bytes unsent (WS_MAX_BUFFERED_BYTES)`);
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }
    return true;
  };
  const send = (socket: WebSocket, frame: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(frame instanceof RawJson ? frame.text : JSON.stringify(frame));
    overloaded(socket);
  };

  /** WebSocket /ws: one OpenEnv session per connection. */
  const sessionSocket = (socket: WebSocket, req: FastifyRequest) => {
    const opened = sessions.open('ws', req.ip);
    if (!opened.ok) {
      const code = opened.reason === 'capacity' ? 'CAPACITY_REACHED' : 'SESSION_ERROR';
      metrics.errors.inc({ transport: 'ws', code });
      send(socket, {
        type: 'error',
        data: opened.reason === 'capacity' ? { message: opened.message, code, active_sessions: sessions.active, max_sessions: sessions.max } : { message: opened.message, code },
      });
      socket.close(1000);
      return;
    }
    const id = opened.id;
    const key = envKey(id);
    const liveness = keepAlive(socket, pingIntervalMs, idleTimeoutMs);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      sessions.close(id);
      void envs.close(key).catch(() => false);
    };
    socket.on('close', release);
    socket.on('error', release);

    const handle = async (type: MessageType, message: Record<string, unknown>): Promise<unknown> => {
      const envelope = ENVELOPES[type].safeParse(message);
      if (!envelope.success) throw invalid(issuesToDetail(envelope.error, []));
      const data = (envelope.data as { data?: Record<string, unknown> }).data ?? {};
      switch (type) {
        case 'reset': {
          const options = ResetOptionsSchema.safeParse(data);
          if (!options.success) throw invalid(issuesToDetail(options.error, []));
          sessions.touch(id);
          const { observation } = await envs.reset(key, options.data);
          return { type: 'observation', data: { observation, reward: null, done: false } };
        }
        case 'step': {
          sessions.touch(id);
          const data2 = await step(data);
          return data2 instanceof RawJson ? new RawJson(`{"type":"observation","data":${data2.text}}`) : { type: 'observation', data: data2 };
        }
        case 'state':
          return { type: 'state', data: (await envs.has(key)) ? await envs.state(key) : { episode_id: null, step_count: 0 } };
        case 'mcp':
          sessions.touch(id);
          return { type: 'mcp', data: await handleRpc({ envs, sessions, bound: id, client: req.ip }, data) };
        case 'close':
          return undefined;
      }
    };

    const step = async (data: Record<string, unknown>) => {
      if (data.type === 'list_tools') {
        const parsed = ListToolsAction.safeParse(data);
        if (!parsed.success) throw invalid(issuesToDetail(parsed.error, []));
        const tools = listTools().map(({ name, description, inputSchema }) => ({ name, description, input_schema: inputSchema }));
        return { observation: { tools }, reward: null, done: false };
      }
      if (data.type === 'call_tool') {
        const parsed = CallToolAction.safeParse(data);
        if (!parsed.success) throw invalid(issuesToDetail(parsed.error, []));
        const { tool_name, arguments: args } = parsed.data;
        const outcome = await callTool(envs, key, tool_name, args);
        if (outcome.kind === 'ok') {
          return { observation: { tool_name, result: outcome.result, error: null }, reward: outcome.reward, done: outcome.done };
        }
        const error_type = outcome.kind === 'not_found' ? 'tool_not_found' : 'invalid_args';
        return { observation: { tool_name, result: null, error: { error_type, message: outcome.message } }, reward: null, done: false };
      }
      const action = ActionSchema.safeParse(data);
      if (!action.success) throw invalid(issuesToDetail(action.error, []));
      if ((action.data.details?.length ?? 0) > postmortemMaxChars) throw invalid([{ type: 'too_big', loc: ['details'], msg: `at most ${postmortemMaxChars} characters (POSTMORTEM_MAX_CHARS)` }]);
      if (!(await envs.has(key))) throw new WsError('EXECUTION_ERROR', 'no episode in this session: send {"type":"reset"} first');
      const { result } = await envs.step(key, action.data);
      return new RawJson(openEnvResultJson(result.observation, result.reward.value, result.done));
    };

    socket.on('message', inOrder(socket, async (raw: Buffer, isBinary: boolean) => {
      if (overloaded(socket) || socket.readyState !== socket.OPEN) return;
      liveness.activity();
      const started = process.hrtime.bigint();
      let type = 'invalid';
      try {
        if (isBinary) throw new WsError('SESSION_ERROR', 'binary frames are not supported; send JSON text frames');
        let message: unknown;
        try {
          message = JSON.parse(raw.toString('utf8'));
        } catch (error) {
          throw new WsError('INVALID_JSON', `Invalid JSON: ${(error as Error).message}`);
        }
        if (typeof message !== 'object' || message === null || Array.isArray(message)) {
          throw new WsError('SESSION_ERROR', `a message must be a JSON object with a "type", got ${Array.isArray(message) ? 'an array' : typeof message}`);
        }
        const given = (message as { type?: unknown }).type;
        if (typeof given !== 'string' || !Object.hasOwn(ENVELOPES, given)) {
          throw new WsError('UNKNOWN_TYPE', `Unknown message type: ${typeof given === 'string' ? given.slice(0, 100) : ''}; expected one of reset, step, state, mcp, close`);
        }
        type = given;
        const reply = await handle(type as MessageType, message as Record<string, unknown>);
        if (type === 'close') {
          release();
          socket.close(1000);
          return;
        }
        send(socket, reply);
      } catch (error) {
        const wsError =
          error instanceof WsError ? error : error instanceof EnvError ? fromEnvError(error) : new WsError('EXECUTION_ERROR', error instanceof Error ? error.message : 'execution error');
        metrics.errors.inc({ transport: 'ws', code: wsError.code });
        send(socket, { type: 'error', data: { message: wsError.message, code: wsError.code, ...wsError.extra } });
        if (wsError.code === 'SESSION_ERROR' || wsError.code === 'CAPACITY_REACHED' || wsError.code === 'FACTORY_ERROR') {
          release();
          socket.close(1000);
        }
      } finally {
        metrics.wsDuration.observe({ endpoint: '/ws', type }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    }));
  };
  app.route({ method: 'GET', url: '/ws', schema: { summary: 'The OpenEnv session protocol over WebSocket (Upgrade: websocket); a plain GET answers 426' }, handler: upgradeRequired('/ws is the OpenEnv WebSocket session endpoint: connect with a WebSocket client'), wsHandler: sessionSocket });

  /** WebSocket /mcp: raw JSON-RPC, one session per connection. */
  const mcpSocket = (socket: WebSocket, req: FastifyRequest) => {
    const opened = sessions.open('mcp-ws', req.ip);
    if (!opened.ok) {
      metrics.errors.inc({ transport: 'mcp-ws', code: opened.reason === 'capacity' ? 'CAPACITY_REACHED' : 'QUOTA' });
      send(socket, rpcError(null, JSONRPC.SERVER_ERROR, opened.message, opened.reason === 'capacity' ? { active_sessions: sessions.active, max_sessions: sessions.max } : { reason: 'quota' }));
      socket.close(1000);
      return;
    }
    const id = opened.id;
    const liveness = keepAlive(socket, pingIntervalMs, idleTimeoutMs);
    const release = () => {
      if (sessions.close(id)) void envs.close(envKey(id)).catch(() => false);
    };
    socket.on('close', release);
    socket.on('error', release);
    socket.on('message', inOrder(socket, async (raw: Buffer) => {
      if (overloaded(socket) || socket.readyState !== socket.OPEN) return;
      liveness.activity();
      const started = process.hrtime.bigint();
      let message: unknown;
      try {
        message = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        metrics.errors.inc({ transport: 'mcp-ws', code: 'PARSE_ERROR' });
        send(socket, rpcError(null, JSONRPC.PARSE_ERROR, `Parse error: ${(error as Error).message}`));
        return;
      }
      sessions.touch(id);
      const reply = await handleRpc({ envs, sessions, bound: id, client: req.ip }, message);
      if ('error' in reply) metrics.errors.inc({ transport: 'mcp-ws', code: String((reply.error as { code: unknown }).code) });
      send(socket, reply);
      metrics.wsDuration.observe({ endpoint: '/mcp', type: 'rpc' }, Number(process.hrtime.bigint() - started) / 1e9);
    }));
  };
  app.route({
    method: 'GET',
    url: '/mcp',
    schema: { summary: 'The event stream of an MCP session (Mcp-Session-Id), or MCP over WebSocket with Upgrade: websocket; otherwise 405' },
    handler: mcpGet, wsHandler: mcpSocket });
}
