/** `npm run digest [-- --write]`: prints the generator digest; --write updates the committed one. */
import { writeFileSync } from 'node:fs';
import { generatorDigest } from '../eval/digest.js';

const d = generatorDigest();
console.log(JSON.stringify(d, null, 2));
if (process.argv.includes('--write')) {
  writeFileSync(new URL('../../test/domain/generator-digest.json', import.meta.url), `${JSON.stringify(d, null, 2)}\n`);
  console.log('wrote test/domain/generator-digest.json');
}
