import { describe, expect, it } from 'vitest';
import { DIFFICULTIES, TASK_IDS, findTask, generatedTask, seedScenario } from '../../src/domain/index.js';
import { ruleAgent } from '../../src/agents/index.js';
import { parseAlerts } from '../../src/agents/rule.js';
import { runInProcess } from '../../src/eval/in-process.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('rule agent (reads only observations)', () => {
  it('averages >= 0.90 on the three seed tasks', async () => {
    const scores = await Promise.all(TASK_IDS.map(async (id) => (await runInProcess(findTask(id)!, ruleAgent, 0)).final.score));
    expect(mean(scores)).toBeGreaterThanOrEqual(0.9);
  });

  for (const difficulty of DIFFICULTIES) {
    // 100 incidents: at 25 the standard error (about 0.05 on expert) is as large as the margin over the bound.
    it(`averages >= 0.80 on 100 held-out ${difficulty} incidents`, async () => {
      const scores: number[] = [];
      for (let seed = 5000; seed < 5100; seed++) scores.push((await runInProcess(generatedTask({ seed, difficulty, split: 'test', family: null }), ruleAgent, seed)).final.score);
      expect(mean(scores)).toBeGreaterThanOrEqual(0.8);
    });
  }

  it('never reads the ground truth or the episode state, only observations', async () => {
    expect(ruleAgent.needsTruth).toBeFalsy();
    const task = generatedTask({ seed: 12, difficulty: 'hard', split: 'test', family: null });
    const touched: string[] = [];
    // A context whose every field but the seed reports being read.
    const ctx = new Proxy({ seed: 12 } as Record<string, unknown>, {
      get(target, key) {
        if (key !== 'seed' && typeof key === 'string') touched.push(key);
        return key === 'task' ? task : Reflect.get(target, key);
      },
    });
    const spy = { ...ruleAgent, create: () => ruleAgent.create(ctx as never) };
    const run = await runInProcess(task, spy, 12);
    expect(run.final.done).toBe(true);
    expect(touched).toEqual([]);
  });

  it('reads alerts of the seed format', () => {
    const task = findTask('task_medium')!;
    const obs = { alerts: seedScenario(task).alerts, services: task.serviceInfo } as never;
    expect(parseAlerts(obs).map((a) => a.service)).toContain('redis-cache');
  });
});
