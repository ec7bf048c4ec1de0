/** Profiling aid: the HTTP step load of the benchmark against a server run with --cpu-prof. */
import autocannon from 'autocannon';
import { STEP_ACTIONS } from './http.js';
import { startServerProcess } from './server-process.js';

const server = await startServerProcess({ MAX_SESSIONS_PER_CLIENT: '100000' }, ['--cpu-prof', '--cpu-prof-dir=/tmp/hp']);
let seq = 0;
const withSession = (path: string) => (req: { path?: string }, ctx: { sid?: string }) => {
  ctx.sid ??= `p-${seq++}`;
  return { ...req, path: `${path}${path.includes('?') ? '&' : '?'}session_id=${ctx.sid}` };
};
const r = await autocannon({
  url: server.url,
  connections: 64,
  duration: 5,
  requests: [
    { method: 'POST', path: '/reset?task_id=task_hard', headers: { 'content-type': 'application/json' }, body: '', setupRequest: withSession('/reset?task_id=task_hard') } as autocannon.Request,
    ...STEP_ACTIONS.map((a) => ({ method: 'POST', path: '/step', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a), setupRequest: withSession('/step') }) as autocannon.Request),
  ],
});
console.log(`${Math.round(r.requests.average)} req/s, non2xx ${r.non2xx}`);
await server.stop();
