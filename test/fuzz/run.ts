/** `npm run fuzz [-- --runs N]`: every target, N cases each (default 10,000); exits 1 on any violation. */
import { listening } from '../helpers/server.js';
import { HTTP_TARGETS, fuzzHttp, fuzzWs, prepare, type Stats } from './targets.js';

const arg = process.argv.indexOf('--runs');
const runs = arg >= 0 ? Number(process.argv[arg + 1]) : 10_000;
const server = await listening();
await prepare(server);
const rows: [string, Stats, number][] = [];
const t0 = performance.now();
for (const name of Object.keys(HTTP_TARGETS)) {
  const t = performance.now();
  rows.push([name, await fuzzHttp(server, name, runs), performance.now() - t]);
  process.stderr.write(`  ${name}: done\n`);
}
for (const path of ['/ws', '/mcp'] as const) {
  const t = performance.now();
  rows.push([`WebSocket ${path} frames`, await fuzzWs(server.url, path, runs), performance.now() - t]);
  process.stderr.write(`  WebSocket ${path}: done\n`);
}
await server.app.close();

console.log(`\n| target | cases | accepted | rejected (4xx / error reply) | 5xx | violations | seconds |`);
console.log('|---|---|---|---|---|---|---|');
for (const [name, s, ms] of rows) console.log(`| ${name} | ${s.cases} | ${s.ok} | ${s.rejected} | ${s.serverErrors} | ${s.violations.length} | ${(ms / 1000).toFixed(1)} |`);
const total = rows.reduce((n, [, s]) => n + s.cases, 0);
const bad = rows.flatMap(([name, s]) => s.violations.map((v) => `${name}: ${v}`));
console.log(`\n${total} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; 5xx: ${rows.reduce((n, [, s]) => n + s.serverErrors, 0)}; violations: ${bad.length}`);
for (const v of bad.slice(0, 20)) console.log(`VIOLATION ${v}`);
process.exit(bad.length || rows.some(([, s]) => s.cases < runs) ? 1 : 0);
