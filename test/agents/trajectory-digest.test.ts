/** Reference trajectories are pinned: a change to dynamics, grading or an agent's behaviour must be deliberate. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trajectoryDigest } from '../../src/eval/digest.js';

const committed = JSON.parse(readFileSync(new URL('./trajectory-digest.json', import.meta.url), 'utf8')) as { episodes: number; digest: string; scores: Record<string, number> };

describe('reference trajectories', () => {
  it('the rule agent, the oracle and two shortcut agents play exactly the committed trajectories (after a deliberate change: npm run digest -- --write)', async () => {
    const now = await trajectoryDigest();
    // Scores first: a changed mean says which agent moved before the digest says that something did.
    expect(now.scores).toEqual(committed.scores);
    expect(now.episodes).toBe(committed.episodes);
    expect(now.digest).toBe(committed.digest);
  });
});
