/**
 * Evaluation a paper can rely on: failures are counted and kept out of means (with exit codes),
 * model runs are accounted (identity, tokens, latency, cost), full trajectories export as
 * OpenEnv collect records, runs resume, and runs compare.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectRecordSchema } from '../../src/eval/collect.js';
import type { AgentSpec } from '../../src/agents/types.js';
import type { Action } from '../../src/domain/index.js';
import { applyDelta } from '../../src/eval/episodes.js';
import { runEval } from '../../src/eval/harness.js';
import { bootstrapCi, passAtK } from '../../src/eval/stats.js';
import { expertScript, startMockLlm } from '../helpers/mock-llm.js';
import { EXPERT_PATHS } from '../helpers/paths.js';
import { evalSuite } from '../helpers/eval-suite.js';
import { TSX, run } from '../helpers/spawn.js';

const suite = evalSuite();

const noKey = { API_KEY: '', HF_TOKEN: '', OPENAI_API_KEY: '' };
const out = () => mkdtempSync(join(tmpdir(), 'evaluation-'));
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => run(TSX, ['src/cli/main.ts', ...args], { env: { ...noKey, ...env }, timeoutMs: 120_000 });
const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
const jsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('statistics', () => {
  it('bootstrap intervals are reproducible and bracket the mean; pass@k is the unbiased estimator', () => {
    const xs = [0.1, 0.9, 0.5, 0.7, 0.3, 0.99, 0.2];
    expect(bootstrapCi(xs, 'k')).toEqual(bootstrapCi(xs, 'k'));
    const [lo, hi] = bootstrapCi(xs, 'k');
    expect(lo).toBeLessThan(0.527);
    expect(hi).toBeGreaterThan(0.527);
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(5, 5, 1)).toBe(1);
    expect(passAtK(4, 1, 1)).toBeCloseTo(0.25, 10);
    expect(passAtK(4, 1, 2)).toBeCloseTo(0.5, 10);
    expect(() => passAtK(2, 1, 3)).toThrow(/needs at least 3/);
  });
});

describe('failures are counted, never scored', () => {
  it('a dead model endpoint: every episode is an infrastructure failure, excluded, and the run exits 3', async () => {
    const dir = out();
    const r = await cli(['eval', '--agent', 'llm', '--tasks', 'task_easy,task_medium', '--episodes', '1', '--retries', '1', '--out', dir], { API_KEY: 'k', API_BASE_URL: suite.failing.url, MODEL_NAME: 'mock-model' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/infrastructure failures: 2 of 2/);
    const res = results(dir);
    expect(res.summary).toMatchObject({ episodes: 2, valid: 0, infra_failures: 2 });
    expect(res.summary.failures.model_call_failures).toBeGreaterThan(0);
    for (const e of res.episodes) expect(e).toMatchObject({ infra_failure: 'model_unavailable', attempts: 2 });
  });

  it('a dead environment: env_error episodes, excluded, exit 3', async () => {
    const dir = out();
    const r = await cli(['eval', '--agent', 'rule', '--tasks', 'task_easy', '--episodes', '2', '--retries', '0', '--url', 'http://127.0.0.1:9', '--out', dir]);
    expect(r.code).toBe(3);
    const res = results(dir);
    expect(res.summary).toMatchObject({ episodes: 2, valid: 0, infra_failures: 2 });
    expect(res.episodes[0].infra_failure).toBe('env_error');
    expect(res.episodes[0].error).toBeTruthy();
  });

  it('an episode past its time limit is a timeout: retried, then excluded', async () => {
    const stuck: AgentSpec = { name: 'stuck', description: 'never answers in time', create: () => ({ act: () => new Promise<Action>((resolve) => setTimeout(() => resolve({ action_type: 'no_op', target: '' }), 2000)) }) };
    const { results } = await runEval({ agent: stuck, tasks: ['task_easy'], difficulties: ['easy'], split: 'test', episodes: 1, concurrency: 1, retries: 1, episodeTimeoutMs: 50 });
    expect(results.episodes[0]).toMatchObject({ infra_failure: 'timeout', attempts: 2 });
    expect(results.summary).toMatchObject({ valid: 0, infra_failures: 1, infra_failure_rate: 1 });
  });

  it('malformed replies are the model\'s own mistakes: counted, scored, not excluded; the run exits 0', async () => {
    const llm = await startMockLlm({ task_easy: ['nope', 'still not json', ...expertScript(EXPERT_PATHS).task_easy!] });
    const dir = out();
    const r = await cli(['eval', '--agent', 'llm', '--tasks', 'task_easy', '--episodes', '1', '--out', dir], { API_KEY: 'k', API_BASE_URL: llm.url, MODEL_NAME: 'mock-model' });
    await llm.close();
    expect(r.code).toBe(0);
    const e = results(dir).episodes[0];
    expect(e.infra_failure).toBeNull();
    expect(e.failures.unparseable_replies).toBe(2);
    expect(e.failures.fallbacks).toBe(1);
    const steps = jsonl(join(dir, 'trajectories.jsonl'))[0].steps;
    expect(steps[0].turn).toMatchObject({ fallback: true, unparseable_replies: 2, model_calls: 2 });
  });
});

describe('an LLM run is accounted and its trajectories are complete', () => {
  it('records model identity, tokens, latency and cost; exports collect records that validate', async () => {
    const llm = await startMockLlm(expertScript(EXPERT_PATHS));
    const dir = out();
    const r = await cli(['eval', '--agent', 'llm', '--tasks', 'task_easy,task_hard', '--episodes', '1', '--price-in', '3', '--price-out', '15', '--out', dir], { API_KEY: 'k', API_BASE_URL: llm.url, MODEL_NAME: 'mock-model' });
    await llm.close();
    expect(r.code).toBe(0);
    const res = results(dir);
    expect(res.agent_identity).toMatchObject({ model: 'mock-model', base_url_host: new URL(llm.url).host, temperature: 0, max_tokens: 600 });
    expect(res.agent_identity.prompt_version).toMatch(/^[0-9a-f]{12}$/);
    expect(res.provenance).toMatchObject({ package_version: '1.0.0', generator_version: res.generator_version });
    expect(res.provenance.command).toContain('eval --agent llm');
    expect(res.provenance.node_version).toBe(process.version);
    const usage = res.summary.usage;
    expect(usage.model_calls).toBeGreaterThan(3);
    expect(usage.tokens_in).toBe(usage.model_calls); // the mock reports one token each way per call
    expect(usage.cost_usd).toBeCloseTo((usage.tokens_in * 3 + usage.tokens_out * 15) / 1e6, 9);
    expect(res.episodes[0].usage.latency_ms).toBeGreaterThanOrEqual(0);

    const records = jsonl(join(dir, 'results.jsonl'));
    expect(records).toHaveLength(2);
    for (const rec of records) CollectRecordSchema.parse(rec);
    const easy = records.find((x: { task: { task_id: string } }) => x.task.task_id === 'task_easy');
    expect(easy.messages[0].role).toBe('system');
    expect(easy.messages.some((m: { role: string; content: string }) => m.role === 'assistant' && m.content.includes('investigate'))).toBe(true);
    expect(easy.tool_trace[0]).toMatchObject({ tool: 'investigate', reason: expect.stringMatching(/\w/) });
    expect(easy.reward).toBeCloseTo(0.99, 5);

    // Observations are recorded in full at the start and as deltas after: they rebuild exactly.
    const t = jsonl(join(dir, 'trajectories.jsonl'))[0];
    let obs = t.initial_observation;
    for (const s of t.steps) obs = applyDelta(obs, s.observation_delta);
    expect(obs.step).toBe(t.steps.at(-1).step);
    expect(t.steps[0].turn.completion).toBeTruthy();
    const replay = await cli(['replay', dir]);
    expect(replay.code).toBe(0);
  });
});

describe('runs resume, compare and rank', () => {
  it('--resume plays only the episodes not yet finished', async () => {
    const dir = out();
    const first = await cli(['eval', '--agent', 'rule', '--tasks', 'generated', '--difficulty', 'easy', '--split', 'test', '--seeds', '0-3', '--out', dir]);
    expect(first.code).toBe(0);
    // An interrupted run: the last episode never finished.
    const lines = readFileSync(join(dir, 'episodes.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'episodes.jsonl'), lines.slice(0, 3).join('\n') + '\n');
    const again = await cli(['eval', '--agent', 'rule', '--tasks', 'generated', '--difficulty', 'easy', '--split', 'test', '--seeds', '0-5', '--resume', '--out', dir]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming: 3 episode\(s\) already finished/);
    expect(results(dir).episodes).toHaveLength(6);
    expect(jsonl(join(dir, 'trajectories.jsonl'))).toHaveLength(6);
  });

  it('compare prints per-group differences with intervals; leaderboard ranks runs; replay explains a wrong file', async () => {
    const a = out();
    const b = out();
    const args = ['--tasks', 'task_easy,generated', '--difficulty', 'easy,hard', '--split', 'test', '--seeds', '0-19'];
    expect((await cli(['eval', '--agent', 'random', ...args, '--out', a])).code).toBe(0);
    expect((await cli(['eval', '--agent', 'rule', ...args, '--out', b])).code).toBe(0);
    expect(results(b).summary.per_difficulty).toHaveProperty('hard');
    const cmp = await cli(['compare', a, b]);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/\| generated \| 40 \| 0\.\d{3} \| 40 \| 0\.\d{3} \| \+0\.\d{3} \| \[0\.\d{3}, 0\.\d{3}\] \| significant \|/);
    expect(cmp.stdout).toContain('| difficulty hard |');
    expect(cmp.stdout).toContain('| task task_easy |');
    const html = join(out(), 'board.html');
    const board = await cli(['leaderboard', a, b, '--html', html]);
    expect(board.code).toBe(0);
    const rows = board.stdout.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows[0]).toContain('| rule |');
    expect(rows[1]).toContain('| random |');
    expect(existsSync(html)).toBe(true);
    const wrong = await cli(['replay', join(a, 'results.json')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/is a results file; replay reads trajectories.jsonl/);
  });

  it('pass@k from several attempts per incident', async () => {
    const dir = out();
    const r = await cli(['eval', '--agent', 'random', '--tasks', 'generated', '--difficulty', 'easy', '--split', 'test', '--seeds', '0-4', '--samples', '3', '--out', dir]);
    expect(r.code).toBe(0);
    const s = results(dir).summary;
    expect(s.episodes).toBe(15);
    expect(s.pass_at_k).toMatchObject({ k: 3, incidents: 5 });
    expect(s.pass_at_k.pass_at_k).toBeGreaterThanOrEqual(s.pass_at_k.pass_at_1);
  });
});
