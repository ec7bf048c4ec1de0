/**
 * MCP Streamable HTTP sessions on the official SDK: `initialize` opens a session (its id comes back
 * in `Mcp-Session-Id`), requests carrying that header act on the session's own episode, GET opens
 * the server's event stream, DELETE ends the session. Protocol-version negotiation, notifications
 * (202) and session errors (400/404) are the SDK's. Each session holds one protocol-session slot,
 * so capacity, the per-client quota and the idle TTL apply as they do to OpenEnv's own sessions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Environments } from './environments.js';
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
}

/** The code the SDK itself answers an unknown session with. */
const SESSION_NOT_FOUND = -32001;

function jsonError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }));
}

export function createStreamableMcp({ envs, sessions, version }: StreamableOptions): StreamableMcp {
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

  return {
    async initialize(req, res, body, client) {
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
