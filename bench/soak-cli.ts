/** `npm run soak [-- --seconds S --agents N]`: the soak test; exits 1 unless it passes. */
import { runSoak, soakSummary } from './soak.js';

const opt = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const report = await runSoak({ durationMs: opt('seconds', 45) * 1000, agents: opt('agents', 300), ttlSeconds: 15, sampleEveryMs: 5000, log: (l) => console.log(l) });
console.log(`\nthroughput over time (steps/s): ${report.throughput.map((t) => `${t.t}s:${t.stepsPerSecond}`).join('  ')}`);
console.log(`\n${soakSummary(report)}\n`);
for (const e of report.errors.slice(0, 10)) console.log(`ERROR ${e}`);
for (const m of report.mismatches.slice(0, 10)) console.log(`MISMATCH ${m}`);
console.log(report.passed ? 'soak passed' : 'SOAK FAILED');
process.exit(report.passed ? 0 : 1);
