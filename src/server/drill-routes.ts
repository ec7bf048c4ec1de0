/**
 * Drills: an incident run for a trainee with a facilitator watching. `POST /drill` starts a session
 * like `POST /session` and also returns a facilitator key; with the key, `GET /drill/:id` shows the
 * facilitator the ground truth, the player's actions and the score as they happen (and the debrief
 * once it is over: the same link shares it), and `POST /drill/:id/hints` sends the player a hint.
 * The player reads hints with `GET /drill/:id/hints`, from the address that owns the session.
 * Nothing here changes the episode: hints are words for the player, not actions.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_TASK_ID } from '../domain/index.js';
import {
  DrillHintsSchema,
  DrillParamsSchema,
  DrillQuerySchema,
  DrillStartSchema,
  DrillViewSchema,
  FacilitatorKeySchema,
  HINTS_PER_DRILL,
  HintRequestSchema,
  errors,
} from './api-schemas.js';
import type { Environments } from './environments.js';
import { HttpError } from './errors.js';
import { envCall as call } from './http-routes.js';
import type { Session } from './sessions.js';


const keyOf = (id: string) => `id:${id}`;

/** Constant-time comparison of a presented key with the drill's. */
function keyMatches(session: Session | undefined, presented: string): boolean {
  const expected = session?.drill?.key;
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A wrong key and a missing drill answer alike, so a guess learns nothing. */
const NO_DRILL = () => new HttpError(404, 'NO_DRILL', 'no drill with this id and key');

export async function drillRoutes(base: FastifyInstance, { envs }: { envs: Environments }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const start = {
    summary: 'Start a drill: a session for the player and a facilitator key (exam=1 hides per-step rewards in the console)',
    querystring: DrillQuerySchema,
    response: { 200: DrillStartSchema, ...errors(404, 422, 429, 503) },
  };
  app.post('/drill', { schema: start }, async (req) => {
    const q = req.query;
    const id = randomBytes(16).toString('base64url');
    const key = randomBytes(18).toString('base64url');
    const exam = q.exam === '1' || q.exam === 'true';
    const request = Object.fromEntries(Object.entries({ task_id: q.task_id ?? DEFAULT_TASK_ID, seed: q.seed, difficulty: q.difficulty, family: q.family, split: q.split }).filter(([, v]) => v !== undefined));
    const { observation } = await call(() => envs.reset(keyOf(id), request, req.ip, { key, exam, hints: [] }));
    return { session_id: id, facilitator_key: key, exam, observation };
  });

  // The facilitator's view: everything, the ground truth included, as the drill goes.
  const view = {
    summary: "The facilitator's view (needs the key): ground truth, observation and state as the drill goes; the debrief once it is over",
    params: DrillParamsSchema,
    querystring: FacilitatorKeySchema,
    response: { 200: DrillViewSchema, ...errors(404, 422) },
  };
  app.get('/drill/:id', { schema: view }, async (req) => {
    const { id } = req.params;
    const { key } = req.query;
    const seen = await call(() => envs.inspect(keyOf(id)));
    if (!seen || !keyMatches(seen.session, key)) throw NO_DRILL();
    return { session_id: id, task_id: seen.session.task_id, exam: seen.session.drill!.exam, hints: seen.session.drill!.hints, ground_truth: seen.truth, observation: seen.observation, state: seen.state };
  });

  const send = { summary: `Send the player a hint (needs the key)`, params: DrillParamsSchema, body: HintRequestSchema, response: { 200: DrillHintsSchema, ...errors(404, 422) } };
  app.post('/drill/:id/hints', { schema: send }, async (req) => {
    const { id } = req.params;
    const body = req.body;
    const updated = await call(() =>
      envs.update(keyOf(id), (s) => {
        if (!keyMatches(s, body.key)) throw NO_DRILL();
        if (s.drill!.hints.length >= HINTS_PER_DRILL) throw new HttpError(422, 'VALIDATION_ERROR', `a drill keeps at most ${HINTS_PER_DRILL} hints`);
        return { ...s, drill: { ...s.drill!, hints: [...s.drill!.hints, { step: s.episode.step, text: body.text }] } };
      }),
    );
    if (!updated) throw NO_DRILL();
    return { session_id: id, hints: updated.drill!.hints };
  });

  // The player's own hints: from the address that owns the session, like /state.
  const read = { summary: "The player's hints (from the address that owns the session)", params: DrillParamsSchema, response: { 200: DrillHintsSchema, ...errors(404, 422) } };
  app.get('/drill/:id/hints', { schema: read }, async (req) => {
    const { id } = req.params;
    const seen = await call(() => envs.inspect(keyOf(id)));
    const owned = seen?.session.drill && (seen.session.client === undefined || seen.session.client === req.ip);
    if (!seen || !owned) throw new HttpError(404, 'NO_DRILL', 'no drill in this session');
    return { session_id: id, exam: seen.session.drill!.exam, hints: seen.session.drill!.hints };
  });
}
