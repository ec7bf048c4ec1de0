/**
 * MCP Streamable HTTP sessions on the official SDK: `initialize` opens a session (its id comes back
 * in `Mcp-Session-Id`), requests carrying that header act on the session's own episode, GET opens
 * the server's event stream, DELETE ends the session. Protocol-version negotiation, notifications
 * (202) and session errors (400/404) are the SDK's. Each session holds one protocol-session slot,
 * so capacity, the per-client quota and the idle TTL apply as they do to OpenEnv's own sessions.
 *
 * With a shared session store (many replicas) any replica serves any session: the session is its
 * episode in the store (created at `initialize`, so the store's cap, quota and TTL apply), and each
 * request is answered by a transport in the SDK's stateless mode bound to that session, on whichever
 * replica it reaches. GET has no event stream to offer there (405, as the transport spec allows).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { EnvError, type Environments } from './environments.js';
import { JSONRPC, callTool, listTools } from './mcp.js';
import { envKey, type ProtocolSessions } from './protocol-sessions.js';

export interface StreamableMcp {
  /** Opens a session for an `initialize` request and answers it. */
  initialize(req: IncomingMessage, res: ServerResponse, body: unknown, client: string): Promise<void>;
  /** Answers a request that names a session (POST, GET or DELETE); 404 when there is no such session. */
  handle(sessionId: string, req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void>;
  has(sessionId: string): boolean;
  /** Ends a session from the server side (idle expiry, shutdown). */
  drop(sessionId: string): Promise<void>;
  closeAll(): Promise<void>;
}

export interface StreamableOptions {
  envs: Environments;
  sessions: ProtocolSessions;
  version: string;
  /** Sessions live in a store every replica shares. */
  shared?: boolean;
}

/** The code the SDK itself answers an unknown session with. */
const SESSION_NOT_FOUND = -32001;

function jsonError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }));
}

export function createStreamableMcp({ envs, sessions, version, shared = false }: StreamableOptions): StreamableMcp {
  const live = new Map<string, StreamableHTTPServerTransport>();

  /** Frees what a session holds; safe to call more than once. */
  const release = (id: string) => {
    live.delete(id);
    if (sessions.close(id)) void envs.close(envKey(id)).catch(() => false);
  };

  function serverFor(sessionId: string): Server {
    const server = new Server({ name: 'incident-response-openenv', version }, { capabilities: { tools: { listChanged: false } } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listTools() }) as never);
    server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
      sessions.touch(sessionId);
      const outcome = await callTool(envs, envKey(sessionId), request.params.name, request.params.arguments ?? {});
      if (outcome.kind === 'not_found') throw new McpError(ErrorCode.InvalidParams, outcome.message);
      // The plain MCP shape: text content, structured content and isError (no FastMCP dump fields).
      const { content, structuredContent, isError } = outcome.result;
      return { content: content.map(({ type, text }) => ({ type, text })), ...(structuredContent ? { structuredContent } : {}), isError };
    });
    return server;
  }

  /** Answers one request of a stored session with a per-request (stateless) transport. */
  async function answerShared(sessionId: string, req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.setHeader('mcp-session-id', sessionId);
    await serverFor(sessionId).connect(transport);
    try {
      await transport.handleRequest(req, res, body);
    } finally {
      await transport.close();
    }
  }

  const shared_ = {
    async initialize(req: IncomingMessage, res: ServerResponse, body: unknown, client: string) {
      const id = randomUUID();
      try {
        await envs.reset(envKey(id), {}, client);
      } catch (error) {
        if (!(error instanceof EnvError)) throw error;
        const status = error.kind === 'quota' ? 429 : 503;
        return jsonError(res, status, JSONRPC.SERVER_ERROR, error.message, { 'retry-after': status === 503 ? '1' : '5' });
      }
      await answerShared(id, req, res, body);
      // A refused initialize (bad Accept header, malformed request) leaves no session behind.
      if (res.statusCode >= 400) await envs.close(envKey(id)).catch(() => false);
    },
    async handle(sessionId: string, req: IncomingMessage, res: ServerResponse, body?: unknown) {
      let known: boolean;
      try {
        known = sessionId.length <= 64 && (await envs.has(envKey(sessionId)));
      } catch (error) {
        if (error instanceof EnvError) return jsonError(res, 503, JSONRPC.SERVER_ERROR, error.message, { 'retry-after': '1' });
        throw error;
      }
      if (!known) return jsonError(res, 404, SESSION_NOT_FOUND, `Session not found: ${sessionId.slice(0, 80)}; send initialize to start a new one`);
      if (req.method === 'DELETE') {
        await envs.close(envKey(sessionId));
        res.writeHead(200).end();
        return;
      }
      if (req.method === 'GET') return jsonError(res, 405, JSONRPC.SERVER_ERROR, 'this server offers no event stream for a session (replicas share sessions); POST requests instead', { allow: 'POST, DELETE' });
      await answerShared(sessionId, req, res, body);
    },
  };

  return {
    async initialize(req, res, body, client) {
      if (shared) return shared_.initialize(req, res, body, client);
      const opened = sessions.open('mcp-http', client);
      if (!opened.ok) {
        return jsonError(res, opened.reason === 'capacity' ? 503 : 429, JSONRPC.SERVER_ERROR, opened.message, { 'retry-after': '5' });
      }
      const id = opened.id;
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        enableJsonResponse: true,
        onsessionclosed: () => release(id),
      });
      transport.onclose = () => release(id);
      live.set(id, transport);
      await serverFor(id).connect(transport);
      await transport.handleRequest(req, res, body);
      // A refused initialize (bad Accept header, malformed request) leaves no session behind.
      if (transport.sessionId === undefined) {
        await transport.close();
        release(id);
      }
    },

    async handle(sessionId, req, res, body) {
      if (shared) return shared_.handle(sessionId, req, res, body);
      const transport = live.get(sessionId);
      if (!transport) return jsonError(res, 404, SESSION_NOT_FOUND, `Session not found: ${sessionId.slice(0, 80)}; send initialize to start a new one`);
      sessions.touch(sessionId);
      await transport.handleRequest(req, res, body);
    },

    has: (sessionId) => live.has(sessionId),

    async drop(sessionId) {
      const transport = live.get(sessionId);
      release(sessionId);
      await transport?.close();
    },

    async closeAll() {
      await Promise.all([...live.keys()].map((id) => this.drop(id)));
    },
  };
}
