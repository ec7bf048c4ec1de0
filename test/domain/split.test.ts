/** The held-out split tests generalisation: its wording differs, and the rule agent knows none of it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIFFICULTIES, FAMILIES, generateScenario, type Split } from '../../src/domain/index.js';

/** Three-word phrases of log lines (numbers and ids left out). */
function phrases(split: Split): Set<string> {
  const out = new Set<string>();
  for (const family of FAMILIES) {
    for (const difficulty of DIFFICULTIES) {
      for (let seed = 0; seed < 6; seed++) {
        const s = generateScenario({ seed, difficulty, split, family: family.id });
        for (const svc of s.services) {
          for (const line of svc.logs) {
            const words = line.replace(/^\[ev-[0-9a-f]{4}\] \S+ \S+\s+/, '').toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 1);
            for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
          }
        }
      }
    }
  }
  return out;
}

describe('the held-out split', () => {
  const train = phrases('train');
  const test = phrases('test');
  const testOnly = [...test].filter((p) => !train.has(p));

  it('words the same failures differently: most of its phrases never occur in train', () => {
    expect(testOnly.length).toBeGreaterThan(300);
    expect(testOnly.length / test.size).toBeGreaterThan(0.5);
  });

  it('draws variants that train never does', () => {
    for (const f of FAMILIES) {
      const testVariants = new Set<string>();
      const trainVariants = new Set<string>();
      for (let seed = 0; seed < 40; seed++) {
        testVariants.add(generateScenario({ seed, difficulty: 'easy', split: 'test', family: f.id }).generated!.faults[0]!.variant);
        trainVariants.add(generateScenario({ seed, difficulty: 'easy', split: 'train', family: f.id }).generated!.faults[0]!.variant);
      }
      expect([...testVariants].some((v) => !trainVariants.has(v)), f.id).toBe(true);
    }
  });

  it('the rule agent holds no phrase of three or more words that only the test split logs', () => {
    const source = ['../../src/agents/runbook.ts', '../../src/agents/rule.ts']
      .map((p) => readFileSync(new URL(p, import.meta.url), 'utf8').toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 1).join(' '))
      .join(' | ');
    const leaked = testOnly.filter((p) => source.includes(p));
    expect(leaked).toEqual([]);
  });
});

describe('metric names of the held-out split', () => {
  it('follow the products: the test split never reports the train split\'s names for mysql, memcached and rabbitmq readings', () => {
    const names = (split: Split) => {
      const out = new Set<string>();
      for (let seed = 0; seed < 30; seed++) {
        const s = generateScenario({ seed, difficulty: 'easy', split, family: null });
        for (const svc of s.services) for (const k of [...Object.keys(svc.overview), ...Object.keys(svc.detail)]) out.add(k);
        for (const r of s.generated!.dynamics.alert_rules) out.add(r.metric);
      }
      return out;
    };
    const train = names('train');
    const test = names('test');
    for (const [trainName, testName] of [['connections_active', 'threads_connected'], ['memory_used_pct', 'bytes_used_pct'], ['queue_depth', 'messages_ready']] as const) {
      expect(train.has(trainName)).toBe(true);
      expect(test.has(trainName)).toBe(false);
      expect(test.has(testName)).toBe(true);
    }
  });
});
