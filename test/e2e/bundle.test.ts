/** The console's bundle takes everything from the API: it holds no scenario, answer or generator. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTask, generateScenario } from '../../src/domain/index.js';

const assets = new URL('../../dist/web/assets/', import.meta.url).pathname;

describe('web console bundle', () => {
  it('holds no seed scenario, answer, or generated incident material', () => {
    if (!existsSync(assets)) throw new Error('dist/web is missing: npm test builds it first (npm run build:web)');
    const bundle = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    expect(bundle.length).toBeGreaterThan(1000);
    const forbidden = new Set<string>();
    for (const id of ['task_easy', 'task_medium', 'task_hard']) {
      const s = findTask(id)!.scenario;
      for (const f of s.fixes) forbidden.add(f.id);
      for (const svc of s.services) for (const line of svc.logs) forbidden.add(line.slice(line.indexOf('Z ') + 2).trim());
      forbidden.add(s.truth.mechanism);
    }
    for (const split of ['train', 'test'] as const) {
      for (let seed = 0; seed < 10; seed++) {
        const g = generateScenario({ seed, difficulty: 'expert', split, family: null });
        for (const svc of g.services) if (svc.name.includes('-')) forbidden.add(svc.name);
        for (const f of g.generated!.faults) forbidden.add(f.mechanism);
      }
    }
    const found = [...forbidden].filter((text) => text.length > 6 && bundle.includes(text));
    expect(found).toEqual([]);
  });
});
