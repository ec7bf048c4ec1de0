import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedTask, observe, reset, step, TASK_IDS, findTask, type Task } from '../../src/domain/index.js';
import { objectJson, openEnvResultJson, stepResultJson } from '../../src/server/serialize.js';

describe('step reply serialisation', () => {
  it('is byte-for-byte JSON.stringify, on seed and generated episodes, repeatedly (cache hits)', () => {
    const tasks: Task[] = [...TASK_IDS.map((id) => findTask(id)!), generatedTask({ seed: 5, difficulty: 'hard', split: 'test', family: null })];
    for (const task of tasks) {
      let ep = reset(task);
      const services = [...task.serviceByName.keys()];
      for (let i = 0; i < 8 && !ep.done; i++) {
        const o = step(task, ep, { action_type: 'investigate', target: services[i % services.length]! });
        if (!o.ok) throw new Error(o.error.message);
        ep = o.episode;
        for (let k = 0; k < 2; k++) {
          expect(stepResultJson(o.result)).toBe(JSON.stringify(o.result));
          expect(openEnvResultJson(o.result.observation, o.result.reward.value, o.result.done)).toBe(JSON.stringify({ observation: o.result.observation, reward: o.result.reward.value, done: o.result.done }));
        }
      }
      expect(objectJson(observe(task, ep))).toBe(JSON.stringify(observe(task, ep)));
    }
  });

  it('matches JSON.stringify on arbitrary objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        expect(objectJson(o)).toBe(JSON.stringify(o));
      }),
    );
  });
});
