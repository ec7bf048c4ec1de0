import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../../src/eval/contract.js';
import { startMockLlm, expertScript } from '../helpers/mock-llm.js';
import { EXPERT_PATHS } from '../helpers/paths.js';
import { evalSuite } from '../helpers/eval-suite.js';
import { PYTHON, requirePython } from '../helpers/python.js';
import { TSX, run } from '../helpers/spawn.js';

const suite = evalSuite();

/** Every stdout line is one of the three contract lines, in START, STEP*, END blocks, one per task. */
function checkContract(stdout: string, tasks = ['task_easy', 'task_medium', 'task_hard']) {
  const lines = stdout.trim().split('\n');
  const ends: string[] = [];
  let i = 0;
  for (const task of tasks) {
    expect(lines[i]).toMatch(CONTRACT.start);
    expect(lines[i]).toContain(`task=${task} `);
    i++;
    let steps = 0;
    while (lines[i]?.startsWith('[STEP]')) {
      expect(lines[i]).toMatch(CONTRACT.step);
      expect(lines[i]).toContain(`step=${++steps} `);
      i++;
    }
    expect(lines[i]).toMatch(CONTRACT.end);
    expect(lines[i]).toContain(`steps=${steps} `);
    const score = Number(/score=(\S+)/.exec(lines[i]!)![1]);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    ends.push(lines[i]!);
    i++;
  }
  expect(i).toBe(lines.length);
  return ends;
}

const py = requirePython('openai', 'requests');
const python = (env: NodeJS.ProcessEnv) => run(PYTHON, ['inference.py'], { env, timeoutMs: 120_000 });
const typescript = (env: NodeJS.ProcessEnv) => run(TSX, ['src/cli/inference.ts'], { env, timeoutMs: 120_000 });
const noKey = { API_KEY: '', HF_TOKEN: '', OPENAI_API_KEY: '' };

for (const [name, runner, skip] of [['python inference.py (the real openai package)', python, py.skip], ['npm run inference', typescript, false]] as const) {
  describe.skipIf(skip)(name, () => {
    it('prints the exact contract and plays the tasks through the model', async () => {
      const good = await startMockLlm(expertScript(EXPERT_PATHS));
      const r = await runner({ ...noKey, ENV_URL: suite.server.url, API_BASE_URL: good.url, API_KEY: 'test-key', MODEL_NAME: 'mock-model' });
      await good.close();
      expect(r.code).toBe(0);
      const ends = checkContract(r.stdout);
      expect(r.stdout).toContain('model=mock-model');
      for (const end of ends) expect(end).toMatch(/^\[END\] success=true .* score=0\.990 /);
      expect(r.stderr).toMatch(/malformed reply/);
    });

    it('survives a failing model endpoint: safe fallback actions, [END] for every task, exit 0', async () => {
      const r = await runner({ ...noKey, ENV_URL: suite.server.url, API_BASE_URL: suite.failing.url, API_KEY: 'test-key', MODEL_NAME: 'mock-model' });
      expect(r.code).toBe(0);
      checkContract(r.stdout);
      expect(r.stderr).toMatch(/call failed/);
    });

    it('survives an unreachable environment: [START] and [END] for every task, exit 0', async () => {
      const r = await runner({ ...noKey, ENV_URL: 'http://127.0.0.1:9', API_BASE_URL: suite.failing.url, API_KEY: 'test-key' });
      expect(r.code).toBe(0);
      for (const end of checkContract(r.stdout)) expect(end).toBe('[END] success=false steps=0 score=0.010 rewards=');
    });
  });
}

describe('npm run inference without a key', () => {
  it('says so and uses the rule agent', async () => {
    const r = await typescript({ ...noKey, ENV_URL: suite.server.url, TASKS: 'task_easy' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/using the rule agent/);
    expect(checkContract(r.stdout, ['task_easy'])[0]).toMatch(/success=true/);
  });
});
