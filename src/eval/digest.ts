/**
 * Golden digests. Generated incidents: any change to what a seed produces changes it; the committed
 * digest (test/domain/generator-digest.json) pins it to GENERATOR_VERSION. Reference trajectories:
 * below.
 */
import { createHash } from 'node:crypto';
import { AGENTS } from '../agents/index.js';
import { ALL_TASK_IDS, DIFFICULTIES, FAMILIES, GENERATOR_VERSION, SPLITS, findTask, generateScenario, generatedParams, generatedTask, type Task } from '../domain/index.js';
import { runInProcess } from './in-process.js';

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

/** The agents whose trajectories are pinned: the evidence-following rule agent, the oracle and two shortcut agents. */
const PINNED_AGENTS = ['rule', 'oracle', 'random', 'reward-prober'] as const;

/**
 * A digest of reference-agent trajectories: every action, reward, reason and observation message,
 * and the final score, on the seed tasks and on generated incidents of every difficulty. It changes
 * when the environment's dynamics or grading change, or when an agent's behaviour does; the
 * committed one (test/agents/trajectory-digest.json) makes either deliberate.
 */
export async function trajectoryDigest(): Promise<{ episodes: number; digest: string; scores: Record<string, number> }> {
  const hash = createHash('sha256');
  const scores: Record<string, number> = {};
  const tasks: { label: string; task: Task; seed: number }[] = [
    ...ALL_TASK_IDS.filter((id) => id !== 'generated').map((id) => ({ label: id, task: findTask(id)!, seed: 1 })),
    ...DIFFICULTIES.flatMap((difficulty) =>
      [101, 102, 103, 104, 105, 106].map((seed) => ({ label: `${difficulty}/${seed}`, task: generatedTask(generatedParams({ seed, difficulty, split: 'test' })), seed })),
    ),
  ];
  let episodes = 0;
  for (const name of PINNED_AGENTS) {
    let total = 0;
    for (const { label, task, seed } of tasks) {
      const run = await runInProcess(task, AGENTS[name]!, seed, true);
      hash.update(`${name} ${label}\n`);
      for (const [i, s] of run.steps.entries()) hash.update(`${JSON.stringify(s)} ${run.observations[i + 1]?.message ?? ''}\n`);
      hash.update(`score ${run.final.score}\n`);
      total += run.final.score;
      episodes++;
    }
    scores[name] = Math.round((total / tasks.length) * 1e4) / 1e4;
  }
  return { episodes, digest: hash.digest('hex'), scores };
}
