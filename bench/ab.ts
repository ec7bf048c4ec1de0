/** Diagnostic: the benchmark's HTTP step load against the full server and the minimal one. */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { STEP_ACTIONS } from './http.js';
import { freePort, startServerProcess } from './server-process.js';

async function load(url: string) {
  let seq = 0;
  const withSession = (path: string) => (req: { path?: string }, ctx: { sid?: string }) => {
    ctx.sid ??= `p-${seq++}`;
    return { ...req, path: `${path}${path.includes('?') ? '&' : '?'}session_id=${ctx.sid}` };
  };
  const requests = [
    { method: 'POST', path: '/reset?task_id=task_hard', headers: { 'content-type': 'application/json' }, body: '', setupRequest: withSession('/reset?task_id=task_hard') },
    ...STEP_ACTIONS.map((a) => ({ method: 'POST', path: '/step', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a), setupRequest: withSession('/step') })),
  ] as autocannon.Request[];
  await autocannon({ url, connections: 64, duration: 1, requests });
  const r = await autocannon({ url, connections: 64, duration: 4, requests });
  return `${Math.round(r.requests.average)} req/s p99 ${r.latency.p99} ms non2xx ${r.non2xx}`;
}

const skipFull = process.env.SKIP_FULL === '1';
const full = skipFull ? null : await startServerProcess({ MAX_SESSIONS_PER_CLIENT: '100000', LOG_LEVEL: process.env.LL ?? 'warn' });
if (full) console.log('full server   ', await load(full.url));
await full?.stop();
const port = await freePort();
const entry = new URL('./minimal-server.js', import.meta.url).pathname;
const min = spawn(process.execPath, [entry], { env: { ...process.env, PORT: String(port) }, stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 800));
console.log('minimal server', await load(`http://127.0.0.1:${port}`));
min.kill();
