/**
 * /mcp over HTTP. Two dialects share the path:
 * - MCP Streamable HTTP (the official SDK): `initialize`, then requests carrying `Mcp-Session-Id`,
 *   GET for the event stream, DELETE to end the session;
 * - OpenEnv's JSON-RPC (no initialize, no header): `openenv/session/create` and `close`, and
 *   `session_id` in params or a throwaway episode; always HTTP 200 with a JSON-RPC object, parse
 *   errors and oversized bodies included, so this plugin has its own body parser and error handler.
 * Notifications (`notifications/*`, no id) are accepted with 202 and no body in both.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { JsonRpcResponseSchema, jsonReply } from './api-schemas.js';
import type { Environments } from './environments.js';
import { JSONRPC, handleRpc, rpcError } from './mcp.js';
import type { StreamableMcp } from './mcp-streamable.js';
import type { ProtocolSessions } from './protocol-sessions.js';

export interface McpHttpOptions {
  envs: Environments;
  /** Sessions live in a store every replica shares (see RpcContext.shared). */
  shared: boolean;
  sessions: ProtocolSessions;
  streamable: StreamableMcp;
}

const sessionHeader = (req: FastifyRequest) => {
  const h = req.headers['mcp-session-id'];
  return typeof h === 'string' && h.length > 0 ? h : null;
};

const isMessage = (m: unknown): m is { method?: unknown; id?: unknown } => typeof m === 'object' && m !== null && !Array.isArray(m);
const isInitialize = (m: unknown) => isMessage(m) && m.method === 'initialize';
const isNotification = (m: unknown) => isMessage(m) && typeof m.method === 'string' && m.method.startsWith('notifications/') && !('id' in m);

/** GET /mcp without an upgrade: a session's event stream, or 405 as the Streamable HTTP spec allows. */
export const mcpGet = (streamable: StreamableMcp) => async (req: FastifyRequest, reply: FastifyReply) => {
  const sid = sessionHeader(req);
  if (sid) {
    reply.hijack();
    return streamable.handle(sid, req.raw, reply.raw);
  }
  const message = 'GET /mcp needs an MCP session (send Mcp-Session-Id; POST initialize starts one) or a WebSocket upgrade (MCP over WebSocket)';
  return reply.code(405).header('allow', 'GET, POST, DELETE').send({ detail: message, code: 'METHOD_NOT_ALLOWED', message });
};

export async function mcpHttpRoutes(app: FastifyInstance, { envs, sessions, streamable, shared }: McpHttpOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((error: Error & { code?: string }, _req, reply) => {
    const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    return reply
      .status(200)
      .send(rpcError(null, tooLarge ? JSONRPC.INVALID_REQUEST : JSONRPC.INTERNAL_ERROR, tooLarge ? `Invalid request: ${error.message}` : 'internal error'));
  });

  // The body is read here, not by a route schema: JSON-RPC answers a malformed request in-band (HTTP 200).
  const post = {
    summary: 'MCP: Streamable HTTP (initialize, then the Mcp-Session-Id header) or OpenEnv JSON-RPC (always HTTP 200)',
    description:
      "A JSON-RPC 2.0 request: tools/list, tools/call, openenv/session/create, openenv/session/close, initialize, ping. An initialize request, or any request carrying Mcp-Session-Id, is MCP Streamable HTTP (202 for notifications, 404 for an unknown session, 406 without Accept: application/json, text/event-stream). Anything else is OpenEnv's JSON-RPC dialect: always HTTP 200, the session in params.session_id.",
    response: { 200: jsonReply(JsonRpcResponseSchema, 'JSON-RPC result or error'), 202: z.undefined().describe('A notification, accepted (no body)') },
  };
  app.post('/mcp', { schema: post }, async (req, reply) => {
    const text = typeof req.body === 'string' ? req.body : '';
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      return rpcError(null, JSONRPC.PARSE_ERROR, `Parse error: ${(error as Error).message}`);
    }
    const sid = sessionHeader(req);
    if (sid || isInitialize(message)) {
      reply.hijack();
      return sid ? streamable.handle(sid, req.raw, reply.raw, message) : streamable.initialize(req.raw, reply.raw, message, req.ip);
    }
    if (isNotification(message)) return reply.code(202).send();
    return handleRpc({ envs, sessions, client: req.ip, shared }, message);
  });

  app.delete('/mcp', { schema: { summary: 'End an MCP session (Mcp-Session-Id); 400 without one, 404 for an unknown one' } }, async (req, reply) => {
    const sid = sessionHeader(req);
    if (!sid) return reply.code(400).send({ detail: 'DELETE /mcp ends an MCP session: send its Mcp-Session-Id', code: 'MISSING_SESSION', message: 'DELETE /mcp ends an MCP session: send its Mcp-Session-Id' });
    reply.hijack();
    return streamable.handle(sid, req.raw, reply.raw);
  });
}
