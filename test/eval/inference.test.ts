import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../src/eval/contract.js';
import { startMockLlm, expertScript, type MockLlm } from '../helpers/mock-llm.js';
import { EXPERT_PATHS } from '../helpers/paths.js';
import { listening } from '../helpers/server.js';
import { TSX, run } from '../helpers/spawn.js';

let server: Awaited<ReturnType<typeof listening>>;
let failing: MockLlm;
beforeAll(async () => {
  server = await listening();
  failing = await startMockLlm({}, 'fail');
});
afterAll(async () => {
  await Promise.all([server.app.close(), failing.close()]);
});

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

/** A minimal `openai` module for machines without the Python package: it forwards to the mock server. */
function pythonPath(): string | undefined {
  if (spawnSync('python3', ['-c', 'import openai']).status === 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pystub-'));
  mkdirSync(join(dir, 'openai'));
  writeFileSync(
    join(dir, 'openai', '__init__.py'),
    `import json, urllib.request
from types import SimpleNamespace

class _Completions:
    def __init__(self, client):
        self._client = client

    def create(self, model, messages, temperature=0, max_tokens=None, **kwargs):
        body = json.dumps({"model": model, "messages": messages, "temperature": temperature, "max_tokens": max_tokens}).encode()
        req = urllib.request.Request(self._client.base_url.rstrip("/") + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + self._client.api_key})
        with urllib.request.urlopen(req, timeout=self._client.timeout) as res:
            data = json.load(res)
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=c["message"]["content"])) for c in data["choices"]])

class OpenAI:
    def __init__(self, base_url=None, api_key=None, timeout=30, max_retries=0, **kwargs):
        self.base_url, self.api_key, self.timeout = base_url, api_key, timeout
        self.chat = SimpleNamespace(completions=_Completions(self))
`,
  );
  return dir;
}

const python = (env: NodeJS.ProcessEnv) => {
  const stub = pythonPath();
  return run('python3', ['inference.py'], { env: { ...env, ...(stub ? { PYTHONPATH: stub } : {}) }, timeoutMs: 120_000 });
};
const typescript = (env: NodeJS.ProcessEnv) => run(TSX, ['src/cli/inference.ts'], { env, timeoutMs: 120_000 });
const noKey = { API_KEY: '', HF_TOKEN: '', OPENAI_API_KEY: '' };

for (const [name, runner] of [['python3 inference.py', python], ['npm run inference', typescript]] as const) {
  describe(name, () => {
    it('prints the exact contract and plays the tasks through the model', async () => {
      const good = await startMockLlm(expertScript(EXPERT_PATHS));
      const r = await runner({ ...noKey, ENV_URL: server.url, API_BASE_URL: good.url, API_KEY: 'test-key', MODEL_NAME: 'mock-model' });
      await good.close();
      expect(r.code).toBe(0);
      const ends = checkContract(r.stdout);
      expect(r.stdout).toContain('model=mock-model');
      for (const end of ends) expect(end).toMatch(/^\[END\] success=true .* score=0\.990 /);
      expect(r.stderr).toMatch(/malformed reply/);
    });

    it('survives a failing model endpoint: safe fallback actions, [END] for every task, exit 0', async () => {
      const r = await runner({ ...noKey, ENV_URL: server.url, API_BASE_URL: failing.url, API_KEY: 'test-key', MODEL_NAME: 'mock-model' });
      expect(r.code).toBe(0);
      checkContract(r.stdout);
      expect(r.stderr).toMatch(/call failed/);
    });

    it('survives an unreachable environment: [START] and [END] for every task, exit 0', async () => {
      const r = await runner({ ...noKey, ENV_URL: 'http://127.0.0.1:9', API_BASE_URL: failing.url, API_KEY: 'test-key' });
      expect(r.code).toBe(0);
      for (const end of checkContract(r.stdout)) expect(end).toBe('[END] success=false steps=0 score=0.010 rewards=');
    });
  });
}

describe('npm run inference without a key', () => {
  it('says so and uses the rule agent', async () => {
    const r = await typescript({ ...noKey, ENV_URL: server.url, TASKS: 'task_easy' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/using the rule agent/);
    expect(checkContract(r.stdout, ['task_easy'])[0]).toMatch(/success=true/);
  });
});
