/**
 * Drills: a facilitator key sees the ground truth and the player's actions as they happen and
 * sends hints; the player reads the hints but never the ground truth; a wrong key learns nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/server.js';
import type { App } from '../../src/server/app.js';

let server: App;
beforeAll(async () => {
  server = testApp();
  await server.app.ready();
});
afterAll(async () => {
  await server.app.close();
});

const player = '10.1.1.1';
const facilitator = '10.2.2.2';

describe('drills', () => {
  it('the facilitator sees the ground truth mid-episode, the player never does; hints reach the player', async () => {
    const started = await server.app.inject({ method: 'POST', url: '/drill?task_id=generated&seed=5&difficulty=hard&split=test&exam=1', remoteAddress: player });
    expect(started.statusCode).toBe(200);
    const { session_id, facilitator_key, exam, observation } = started.json();
    expect(exam).toBe(true);
    expect(facilitator_key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(observation.step).toBe(0);
    // The player plays it as any explicit session.
    const svc = observation.services[0].name as string;
    const step = await server.app.inject({ method: 'POST', url: `/step?session_id=${session_id}`, payload: { action_type: 'investigate', target: svc }, remoteAddress: player });
    expect(step.statusCode).toBe(200);
    const view = await server.app.inject({ method: 'GET', url: `/drill/${session_id}?key=${facilitator_key}`, remoteAddress: facilitator });
    expect(view.statusCode).toBe(200);
    const v = view.json();
    const root = v.ground_truth.faults[0].root_cause as string;
    expect(root).toBeTruthy();
    expect(v.state.history.map((h: { action: { target: string } }) => h.action.target)).toEqual([svc]);
    expect(v.state.done).toBe(false);
    // Nothing the player can read names the root before the end.
    const state = await server.app.inject({ method: 'GET', url: `/state?session_id=${session_id}`, remoteAddress: player });
    expect(state.json().ground_truth).toBeNull();
    expect(JSON.stringify(state.json())).not.toContain('"faults"');
    // A hint goes to the player, stamped with the step it was sent at.
    const hint = await server.app.inject({ method: 'POST', url: `/drill/${session_id}/hints`, payload: { key: facilitator_key, text: 'Look at what the alerting services all depend on.' }, remoteAddress: facilitator });
    expect(hint.statusCode).toBe(200);
    const hints = await server.app.inject({ method: 'GET', url: `/drill/${session_id}/hints`, remoteAddress: player });
    expect(hints.json()).toEqual({ session_id, exam: true, hints: [{ step: 1, text: 'Look at what the alerting services all depend on.' }] });
    // The hint changed nothing in the episode.
    expect((await server.app.inject({ method: 'GET', url: `/state?session_id=${session_id}`, remoteAddress: player })).json().step_count).toBe(1);
  });

  it('a wrong key, another address, or a bad hint are refused and change nothing', async () => {
    const { session_id, facilitator_key } = (await server.app.inject({ method: 'POST', url: '/drill?task_id=task_easy', remoteAddress: player })).json();
    const wrong = await server.app.inject({ method: 'GET', url: `/drill/${session_id}?key=${'x'.repeat(facilitator_key.length)}`, remoteAddress: facilitator });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().code).toBe('NO_DRILL');
    const missing = await server.app.inject({ method: 'GET', url: `/drill/nosuchdrill?key=${facilitator_key}`, remoteAddress: facilitator });
    expect(missing.json()).toEqual(wrong.json());
    expect((await server.app.inject({ method: 'GET', url: `/drill/${session_id}/hints`, remoteAddress: facilitator })).statusCode).toBe(404);
    const badHint = await server.app.inject({ method: 'POST', url: `/drill/${session_id}/hints`, payload: { key: facilitator_key, text: 'x'.repeat(501) }, remoteAddress: facilitator });
    expect(badHint.statusCode).toBe(422);
    expect(badHint.json().code).toBe('VALIDATION_ERROR');
    const wrongKeyHint = await server.app.inject({ method: 'POST', url: `/drill/${session_id}/hints`, payload: { key: 'nope', text: 'hello' }, remoteAddress: facilitator });
    expect(wrongKeyHint.statusCode).toBe(404);
    expect((await server.app.inject({ method: 'GET', url: `/drill/${session_id}/hints`, remoteAddress: player })).json().hints).toEqual([]);
    // A plain session is no drill.
    await server.app.inject({ method: 'POST', url: '/reset?task_id=task_easy&session_id=plain', remoteAddress: player });
    expect((await server.app.inject({ method: 'GET', url: '/drill/plain/hints', remoteAddress: player })).statusCode).toBe(404);
  });

  it('after the end the facilitator link is the debrief: the final score and every stage', async () => {
    const { session_id, facilitator_key } = (await server.app.inject({ method: 'POST', url: '/drill?task_id=task_easy', remoteAddress: player })).json();
    for (const action of [
      { action_type: 'investigate', target: 'postgres-db' },
      { action_type: 'escalate', target: 'database-team', details: 'Root cause: postgres-db ran out of connections' },
      { action_type: 'apply_fix', target: 'increase_db_connections' },
    ]) await server.app.inject({ method: 'POST', url: `/step?session_id=${session_id}`, payload: action, remoteAddress: player });
    const v = (await server.app.inject({ method: 'GET', url: `/drill/${session_id}?key=${facilitator_key}`, remoteAddress: facilitator })).json();
    expect(v.state.done).toBe(true);
    expect(v.state.score).toBeGreaterThan(0.9);
    expect(v.state.rubric.length).toBeGreaterThanOrEqual(3);
    for (const item of v.state.rubric) expect(item.why).toBeTruthy();
  });
});
