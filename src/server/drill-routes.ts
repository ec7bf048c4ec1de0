/**
 * Drills: an incident run for a trainee with a facilitator watching. `POST /drill` starts a session
 * like `POST /session` and also returns a facilitator key; with the key, `GET /drill/:id` shows the
 * facilitator the ground truth, the player's actions and the score as they happen (and the debrief
 * once it is over: the same link shares it), and `POST /drill/:id/hints` sends the player a hint.
 * The player reads hints with `GET /drill/:id/hints`, from the address that owns the session.
 * Nothing here changes the episode: hints are words for the player, not actions.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_TASK_ID } from '../domain/index.js';
import type { Environments } from './environments.js';
import { HttpError, validationError } from './errors.js';
import { SessionIdSchema, envCall as call } from './http-routes.js';
import type { Session } from './sessions.js';

/** Longest hint a facilitator may send, and how many a drill keeps. */
export const HINT_MAX_CHARS = 500;
export const HINTS_PER_DRILL = 50;

const StartQuery = z.looseObject({
  task_id: z.string().min(1).max(100).optional(),
  seed: z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).optional(),
  difficulty: z.string().max(20).optional(),
  family: z.string().max(60).optional(),
  split: z.string().max(10).optional(),
  exam: z.enum(['0', '1', 'true', 'false']).optional(),
});
const KeyQuery = z.strictObject({ key: z.string().min(1).max(100) });
const HintBody = z.strictObject({ key: z.string().min(1).max(100), text: z.string().trim().min(1).max(HINT_MAX_CHARS) });
const Params = z.strictObject({ id: SessionIdSchema });

const keyOf = (id: string) => `id:${id}`;

/** Constant-time comparison of a presented key with the drill's. */
function keyMatches(session: Session | undefined, presented: string): boolean {
  const expected = session?.drill?.key;
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string, what: string): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw validationError(parsed.error, [where], what);
  return parsed.data;
}

/** A wrong key and a missing drill answer alike, so a guess learns nothing. */
const NO_DRILL = () => new HttpError(404, 'NO_DRILL', 'no drill with this id and key');

export async function drillRoutes(app: FastifyInstance, { envs }: { envs: Environments }): Promise<void> {
  app.post('/drill', async (req: FastifyRequest) => {
    const q = parse(StartQuery, req.query, 'query', 'drill options');
    const id = randomBytes(16).toString('base64url');
    const key = randomBytes(18).toString('base64url');
    const exam = q.exam === '1' || q.exam === 'true';
    const request = Object.fromEntries(Object.entries({ task_id: q.task_id ?? DEFAULT_TASK_ID, seed: q.seed, difficulty: q.difficulty, family: q.family, split: q.split }).filter(([, v]) => v !== undefined));
    const { observation } = await call(() => envs.reset(keyOf(id), request, req.ip, { key, exam, hints: [] }));
    return { session_id: id, facilitator_key: key, exam, observation };
  });

  // The facilitator's view: everything, the ground truth included, as the drill goes.
  app.get('/drill/:id', async (req: FastifyRequest) => {
    const { id } = parse(Params, req.params, 'path', 'drill id');
    const { key } = parse(KeyQuery, req.query, 'query', 'facilitator key');
    const seen = await call(() => envs.inspect(keyOf(id)));
    if (!seen || !keyMatches(seen.session, key)) throw NO_DRILL();
    return { session_id: id, task_id: seen.session.task_id, exam: seen.session.drill!.exam, hints: seen.session.drill!.hints, ground_truth: seen.truth, observation: seen.observation, state: seen.state };
  });

  app.post('/drill/:id/hints', async (req: FastifyRequest) => {
    const { id } = parse(Params, req.params, 'path', 'drill id');
    const body = parse(HintBody, req.body, 'body', 'hint');
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
  app.get('/drill/:id/hints', async (req: FastifyRequest) => {
    const { id } = parse(Params, req.params, 'path', 'drill id');
    const seen = await call(() => envs.inspect(keyOf(id)));
    const owned = seen?.session.drill && (seen.session.client === undefined || seen.session.client === req.ip);
    if (!seen || !owned) throw new HttpError(404, 'NO_DRILL', 'no drill in this session');
    return { session_id: id, exam: seen.session.drill!.exam, hints: seen.session.drill!.hints };
  });
}
