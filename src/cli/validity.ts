/** `npm run validity [-- --seeds N]`: the validity table over N seeds per difficulty and split; exits 1 if a bound is missed. */
import { ladderTable, measureLadder } from '../eval/ladder.js';
import { measureValidity, validityTable } from '../eval/validity.js';

const arg = process.argv.indexOf('--seeds');
const seeds = arg >= 0 ? Number(process.argv[arg + 1]) : 200;
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error('--seeds takes a positive integer');
  process.exit(2);
}
const t0 = performance.now();
const report = await measureValidity(seeds);
console.log(`Validity over ${seeds} seeds per difficulty and split (${seeds * 8} incidents per agent)\n`);
console.log(validityTable(report));
console.log(`\nsolvable from evidence: ${seeds * 8 - report.unsolvable.length}/${seeds * 8}`);
console.log(`deterministic (generated twice, compared as JSON): ${report.nondeterministic.length === 0 ? 'yes' : `NO: ${report.nondeterministic.join(', ')}`}`);
console.log(`generation: ${Math.round(report.generationPerSecond)} scenarios/s`);
console.log(`\nThe difficulty ladder over ${seeds} held-out (test) incidents per difficulty\n`);
console.log(ladderTable(measureLadder(seeds)));
console.log(`\nelapsed: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const u of report.unsolvable.slice(0, 10)) console.log(`unsolvable: ${u}`);
if (report.failures.length) {
  console.log(`\nFAILED:\n- ${report.failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nall bounds met');
