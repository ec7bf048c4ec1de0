/** Optional bearer-token access control, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares two secrets without leaking, through timing, how much of them matched (or their lengths). */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Paths that accept a WebSocket upgrade: only there may the token ride in the query string. */
const WEBSOCKET_PATHS = new Set(['/ws', '/mcp']);

/**
 * The token a request carries: the Authorization header, or `access_token` on a WebSocket upgrade
 * of /ws or /mcp (browsers cannot set headers there; on any other route a query token is ignored,
 * so it cannot leak into ordinary URLs and logs).
 */
export function tokenOf(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  if (req.method === 'GET' && req.headers.upgrade?.toLowerCase() === 'websocket' && WEBSOCKET_PATHS.has(req.url.split('?', 1)[0]!)) {
    const q = (req.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof q === 'string') return q;
  }
  return null;
}

export const authPlugin = fp(async (app: FastifyInstance, { token }: { token: string }) => {
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/health' || req.url.startsWith('/health?')) return;
    // A CORS preflight never carries credentials; it only asks what the real request may send.
    if (req.method === 'OPTIONS') return;
    // The console's own files hold no data: the page loads, then sends the token on every API call.
    if ((req.method === 'GET' || req.method === 'HEAD') && /^\/web(\/|$|\?)/.test(req.url)) return;
    const given = tokenOf(req);
    if (given !== null && safeEqual(given, token)) return;
    reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ detail: 'Unauthorized', code: 'UNAUTHORIZED', message: given === null ? 'this server needs "Authorization: Bearer <token>"' : 'the bearer token is not valid' });
    return reply;
  });
});
