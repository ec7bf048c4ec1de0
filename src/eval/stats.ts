/**
 * Statistics for evaluation results: mean, standard error, a percentile-bootstrap 95% confidence
 * interval (seeded, so a report is reproducible), success rate and the unbiased pass@k estimator.
 */
import { createRng, type Rng } from '../domain/generator/rng.js';
import { mean } from '../domain/scoring.js';

export interface GroupStats {
  n: number;
  mean: number;
  /** Standard error of the mean (sample standard deviation / sqrt(n)); 0 when n < 2. */
  se: number;
  /** Percentile-bootstrap 95% interval of the mean; [mean, mean] when n < 2. */
  ci95: [number, number];
  /** Share of episodes the grader counted as a success (see the README for the rule). */
  success_rate: number;
}

export const BOOTSTRAP_RESAMPLES = 2000;

const round = (x: number) => Math.round(x * 10_000) / 10_000;
export { mean };

export function standardError(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

/** The mean of one resample (with replacement) of `xs`. */
function resampledMean(rng: Rng, xs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[rng.int(0, xs.length - 1)]!;
  return sum / xs.length;
}

/** The 2.5th and 97.5th percentiles of `resamples` draws. */
function percentile95(draw: () => number, resamples: number): [number, number] {
  const values = Array.from({ length: resamples }, draw).sort((a, b) => a - b);
  return [round(values[Math.floor(0.025 * (resamples - 1))]!), round(values[Math.ceil(0.975 * (resamples - 1))]!)];
}

/** 95% percentile-bootstrap interval of the mean, from a PRNG seeded by `key`. */
export function bootstrapCi(xs: readonly number[], key = 'bootstrap', resamples = BOOTSTRAP_RESAMPLES): [number, number] {
  if (xs.length < 2) {
    const m = round(mean(xs));
    return [m, m];
  }
  const rng = createRng(`${key}|${xs.length}`);
  return percentile95(() => resampledMean(rng, xs), resamples);
}

/** 95% bootstrap interval of a difference of means (b - a), resampling each side independently. */
export function bootstrapDiffCi(a: readonly number[], b: readonly number[], key = 'diff', resamples = BOOTSTRAP_RESAMPLES): [number, number] {
  if (a.length === 0 || b.length === 0) return [0, 0];
  const rng = createRng(`${key}|${a.length}|${b.length}`);
  return percentile95(() => resampledMean(rng, b) - resampledMean(rng, a), resamples);
}

export function groupStats(scores: readonly number[], successes: readonly boolean[], key: string): GroupStats {
  return {
    n: scores.length,
    mean: round(mean(scores)),
    se: round(standardError(scores)),
    ci95: bootstrapCi(scores, key),
    success_rate: round(successes.length ? successes.filter(Boolean).length / successes.length : 0),
  };
}

/**
 * Unbiased pass@k (Chen et al., 2021): the chance that at least one of k samples drawn from n
 * attempts, c of them successful, succeeds: 1 - C(n-c, k) / C(n, k).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples per task, got ${n}`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}
