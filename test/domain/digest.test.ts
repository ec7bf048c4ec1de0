/** Versioned incidents: what the generator produces is pinned to GENERATOR_VERSION by a committed digest. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATOR_VERSION } from '../../src/domain/index.js';
import { generatorDigest } from '../../src/eval/digest.js';

const committed = JSON.parse(readFileSync(new URL('./generator-digest.json', import.meta.url), 'utf8')) as { version: string; digest: string; incidents: number };

describe('generator version', () => {
  it('the committed digest matches what this generator produces (a change to any incident needs a version bump and `npm run digest -- --write`)', () => {
    const now = generatorDigest();
    expect(now.version).toBe(GENERATOR_VERSION);
    expect(committed.version, 'GENERATOR_VERSION changed: run npm run digest -- --write').toBe(GENERATOR_VERSION);
    expect(now.digest, `incidents changed without a version bump (${GENERATOR_VERSION}): bump GENERATOR_VERSION and run npm run digest -- --write`).toBe(committed.digest);
    expect(now.incidents).toBe(committed.incidents);
  });
});
