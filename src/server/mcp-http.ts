/**
 * POST /mcp: JSON-RPC 2.0 over HTTP. Always answers HTTP 200 with a JSON-RPC object, parse
 * errors and oversized bodies included, so this plugin has its own body parser and error handler.
 */
import type { FastifyInstance } from 'fastify';
import type { Environments } from './environments.js';
import { JSONRPC, handleRpc, rpcError } from './mcp.js';
import type { ProtocolSessions } from './protocol-sessions.js';

export interface McpHttpOptions {
  envs: Environments;
  sessions: ProtocolSessions;
}

export async function mcpHttpRoutes(app: FastifyInstance, { envs, sessions }: McpHttpOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((error: Error & { code?: string }, _req, reply) => {
    const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    return reply
      .status(200)
      .send(rpcError(null, tooLarge ? JSONRPC.INVALID_REQUEST : JSONRPC.INTERNAL_ERROR, tooLarge ? `Invalid request: ${error.message}` : 'internal error'));
  });

  app.post('/mcp', async (req) => {
    const text = typeof req.body === 'string' ? req.body : '';
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      return rpcError(null, JSONRPC.PARSE_ERROR, `Parse error: ${(error as Error).message}`);
    }
    return handleRpc({ envs, sessions, client: req.ip }, message);
  });
}
