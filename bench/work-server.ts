/**
 * The floor of any server doing this environment's work: a bare node:http server (no framework,
 * no validation, no store, no metrics) that parses each JSON body, runs the same domain step on an
 * episode kept in a Map and answers the same reply JSON. What it costs over the ceiling is the
 * step itself; what the real server costs over it is the HTTP layer.
 */
import { createServer } from 'node:http';
import { findTask, observe, reset, step, type Action, type Episode } from '../src/domain/index.js';
import { objectJson, stepResultJson } from '../src/server/serialize.js';

const task = findTask('task_hard')!;
const episodes = new Map<string, Episode>();
const port = Number(process.env.PORT);
// Sessions of a long benchmark: the oldest go first, as expiry would take them.
const remember = (sid: string, episode: Episode) => {
  if (episodes.size >= 20_000) episodes.delete(episodes.keys().next().value!);
  episodes.set(sid, episode);
};

createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    const sid = url.searchParams.get('session_id') ?? '';
    let reply: string;
    if (url.pathname === '/reset') {
      const episode = reset(task);
      remember(sid, episode);
      reply = objectJson(observe(task, episode) as unknown as Record<string, unknown>);
    } else {
      const episode = episodes.get(sid);
      const outcome = episode && step(task, episode, JSON.parse(body) as Action);
      if (!outcome?.ok) {
        res.writeHead(422).end('{}');
        return;
      }
      episodes.set(sid, outcome.episode);
      reply = stepResultJson(outcome.result as never);
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(reply) }).end(reply);
  });
}).listen(port, '127.0.0.1');
