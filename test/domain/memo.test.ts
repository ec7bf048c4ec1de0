/**
 * Generated incidents memoise their simulated readings and alerts by the state that decides them.
 * The memo must be invisible: stepping with a cold memo at every step gives the same observations,
 * byte for byte, as stepping with a warm one, and the memo stays bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedTask, observe, reset, step, type Action } from '../../src/domain/index.js';
import { MEMO_LIMITS } from '../../src/domain/scenario.js';

describe('memoised readings of generated incidents', () => {
  it('never change what is observed, and stay bounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('medium', 'expert' as const), fc.array(fc.nat(), { minLength: 3, maxLength: 20 }), (seed, difficulty, picks) => {
        const warm = generatedTask({ seed, difficulty: difficulty as 'medium' | 'expert', split: 'test', family: null });
        const cold = generatedTask({ seed, difficulty: difficulty as 'medium' | 'expert', split: 'test', family: null });
        const choices = warm.availableActions.filter((a) => !a.startsWith('postmortem')).map((a): Action => {
          const [kind, target] = a.split(/:(.*)/s) as [string, string | undefined];
          return { action_type: kind as Action['action_type'], target: target ?? '' };
        });
        let a = reset(warm, { seed });
        let b = reset(cold, { seed });
        for (const p of picks) {
          const action = choices[p % choices.length]!;
          cold.memo.states.clear();
          cold.memo.byChanges = new WeakMap();
          const oa = step(warm, a, action);
          const ob = step(cold, b, action);
          expect(oa.ok).toBe(ob.ok);
          if (!oa.ok || !ob.ok) continue;
          expect(JSON.stringify(oa.result.observation)).toBe(JSON.stringify(ob.result.observation));
          a = oa.episode;
          b = ob.episode;
          if (a.done) break;
        }
        expect(JSON.stringify(observe(warm, a))).toBe(JSON.stringify(observe(cold, b)));
        expect(warm.memo.states.size).toBeLessThanOrEqual(MEMO_LIMITS.states);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
