/**
 * A digest of generated incidents: any change to what a seed produces changes it. The committed
 * digest (test/domain/generator-digest.json) pins it to GENERATOR_VERSION.
 */
import { createHash } from 'node:crypto';
import { DIFFICULTIES, FAMILIES, GENERATOR_VERSION, SPLITS, generateScenario } from '../domain/index.js';

export function generatorDigest(): { version: string; incidents: number; digest: string } {
  const hash = createHash('sha256');
  let incidents = 0;
  for (const split of SPLITS) {
    for (const difficulty of DIFFICULTIES) {
      for (let seed = 0; seed < 12; seed++) {
        hash.update(JSON.stringify(generateScenario({ seed, difficulty, split, family: null })));
        incidents++;
      }
      for (const f of FAMILIES) {
        hash.update(JSON.stringify(generateScenario({ seed: 7, difficulty, split, family: f.id })));
        incidents++;
      }
    }
  }
  return { version: GENERATOR_VERSION, incidents, digest: hash.digest('hex') };
}
