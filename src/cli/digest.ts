/**
 * `npm run digest [-- --write]`: prints the generator digest and the reference-trajectory digest;
 * --write updates the committed ones.
 */
import { writeFileSync } from 'node:fs';
import { generatorDigest, trajectoryDigest } from '../eval/digest.js';

const write = (path: string, value: unknown) => {
  writeFileSync(new URL(`../../${path}`, import.meta.url), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${path}`);
};

const generator = generatorDigest();
const trajectories = await trajectoryDigest();
console.log(JSON.stringify({ generator, trajectories }, null, 2));
if (process.argv.includes('--write')) {
  write('test/domain/generator-digest.json', generator);
  write('test/agents/trajectory-digest.json', trajectories);
}
