/** An episode takes a bounded amount of text in all, so grading it can never cost more than that. */
import { describe, expect, it } from 'vitest';
import { MAX_DETAILS_LENGTH, MAX_EPISODE_TEXT, findTask, reset, step, type Action, type Episode } from '../../src/domain/index.js';

describe('text budget per episode', () => {
  it('refuses the note that would pass MAX_EPISODE_TEXT, naming the field and what is left; nothing changes', () => {
    const task = findTask('task_hard')!;
    const team = [...task.teamSet][0]!;
    let ep: Episode = reset(task, { seed: 1 });
    const note = (n: number): Action => ({ action_type: 'escalate', target: team, details: 'x '.repeat(n / 2) });
    const full = Math.floor(MAX_EPISODE_TEXT / MAX_DETAILS_LENGTH);
    for (let i = 0; i < full; i++) {
      const o = step(task, ep, note(MAX_DETAILS_LENGTH));
      expect(o.ok).toBe(true);
      if (o.ok) ep = o.episode;
    }
    const over = step(task, ep, note(MAX_DETAILS_LENGTH));
    expect(over.ok).toBe(false);
    if (!over.ok) {
      expect(over.error.field).toBe('details');
      expect(over.error.message).toMatch(new RegExp(`at most ${MAX_EPISODE_TEXT} characters.*0 left`));
    }
    // Actions without text still go on.
    const look = step(task, ep, { action_type: 'investigate', target: [...task.serviceByName.keys()][0]! });
    expect(look.ok).toBe(true);
  });
});
