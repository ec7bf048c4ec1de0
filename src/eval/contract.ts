/**
 * The stdout contract that OpenEnv hackathon tooling parses:
 *   [START] task=<id> env=<benchmark> model=<model>
 *   [STEP] step=<n> action=<action> reward=<0.00> done=<true|false> error=<msg|null>
 *   [END] success=<true|false> steps=<n> score=<0.000> rewards=<r1,r2,...>
 */
import type { Action } from '../domain/index.js';

export const BENCHMARK = 'incident-response-openenv';
/** An episode counts as a success from this score on. */
export const SUCCESS_THRESHOLD = 0.5;

/** One line, no spaces that could split a field. */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

export const actionString = (a: Action) => (a.action_type === 'postmortem' || a.action_type === 'no_op' || !a.target ? a.action_type : `${a.action_type}:${a.target}`);

/** Scores are printed strictly inside (0, 1). */
export const clampScore = (x: number) => Math.min(0.99, Math.max(0.01, Number.isFinite(x) ? x : 0.01));

export const startLine = (task: string, model: string) => `[START] task=${task} env=${BENCHMARK} model=${oneLine(model).replace(/ /g, '_')}`;

export const stepLine = (n: number, action: string, reward: number, done: boolean, error: string | null) =>
  `[STEP] step=${n} action=${oneLine(action)} reward=${reward.toFixed(2)} done=${done} error=${error ? oneLine(error) : 'null'}`;

export const endLine = (success: boolean, steps: number, score: number, rewards: number[]) =>
  `[END] success=${success} steps=${steps} score=${clampScore(score).toFixed(3)} rewards=${rewards.map((r) => r.toFixed(2)).join(',')}`;

export const CONTRACT = {
  start: /^\[START\] task=\S+ env=\S+ model=\S+$/,
  step: /^\[STEP\] step=\d+ action=.* reward=-?\d+\.\d{2} done=(true|false) error=.*$/,
  end: /^\[END\] success=(true|false) steps=\d+ score=\d\.\d{3} rewards=(-?\d+\.\d{2}(,-?\d+\.\d{2})*)?$/,
};
