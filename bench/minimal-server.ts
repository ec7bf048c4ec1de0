/**
 * The framework's floor: the smallest Fastify server doing the same step work as the real server
 * (same JSON body parser, domain step and reply JSON; no validation, store, hooks or metrics).
 * `npm run bench` measures it beside the real server; `node build/bench/ab.js` too, where
 * X_WS=1 / X_HELMET=1 add those plugins.
 */
import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import helmet from '@fastify/helmet';
import { findTask, observe, reset, step, type Episode } from '../src/domain/index.js';
import { objectJson, stepResultJson } from '../src/server/serialize.js';

const app = Fastify();
const json = app.getDefaultJsonParser('error', 'error');
app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => ((body as string).length === 0 ? done(null, undefined) : json(req, body as string, done)));
const task = findTask('task_hard')!;
const sessions = new Map<string, Episode>();
app.post('/reset', async (req, reply) => {
  const sid = (req.query as { session_id: string }).session_id;
  const episode = reset(task);
  if (sessions.size >= 20_000) sessions.delete(sessions.keys().next().value!); // the oldest go, as expiry would take them
  sessions.set(sid, episode);
  reply.type('application/json; charset=utf-8');
  return objectJson(observe(task, episode) as unknown as Record<string, unknown>);
});
app.post('/step', async (req, reply) => {
  const sid = (req.query as { session_id: string }).session_id;
  const o = step(task, sessions.get(sid)!, req.body as never);
  if (!o.ok) return reply.code(422).send({ message: o.error.message });
  sessions.set(sid, o.episode);
  reply.type('application/json; charset=utf-8');
  return stepResultJson(o.result);
});
if (process.env.X_WS) await app.register(websocket);
if (process.env.X_HELMET) await app.register(helmet, { global: false });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
