import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAgent, ruleAgent } from '../../src/agents/index.js';
import type { Trajectory } from '../../src/eval/episodes.js';
import { episodeSpecs, parseSeeds, runEval, summarise } from '../../src/eval/harness.js';
import { htmlReport, markdownReport } from '../../src/eval/report.js';
import { replayTrajectories } from '../../src/eval/replay.js';
import { listening } from '../helpers/server.js';
import { TSX, run } from '../helpers/spawn.js';

let server: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  server = await listening();
});
afterAll(async () => {
  await server.app.close();
});

describe('eval harness', () => {
  it('builds episode specs from tasks, episodes and seeds', () => {
    expect(parseSeeds('1000-1002,7')).toEqual([1000, 1001, 1002, 7]);
    expect(() => parseSeeds('a-b')).toThrow(/bad seed/);
    const specs = episodeSpecs({ tasks: ['task_easy', 'generated', 'task_easy'], difficulties: ['hard'], split: 'test', episodes: 2 });
    expect(specs).toEqual([
      { task_id: 'task_easy', seed: 0 },
      { task_id: 'task_easy', seed: 1 },
      { task_id: 'generated', seed: 0, difficulty: 'hard', split: 'test', family: null },
      { task_id: 'generated', seed: 1, difficulty: 'hard', split: 'test', family: null },
    ]);
  });

  it('several difficulties and families in one run, each played once', () => {
    const specs = episodeSpecs({ tasks: ['generated'], difficulties: ['easy', 'hard', 'easy'], families: ['cache_oom', 'disk_full'], split: 'test', episodes: 2 });
    expect(specs).toHaveLength(2 * 2 * 2);
    expect(new Set(specs.map((s) => `${s.difficulty}/${s.family}`))).toEqual(new Set(['easy/cache_oom', 'easy/disk_full', 'hard/cache_oom', 'hard/disk_full']));
    expect(episodeSpecs({ tasks: ['generated'], difficulties: ['easy'], split: 'test', episodes: 1, samples: 3 }).map((s) => s.sample)).toEqual([0, 1, 2]);
  });

  it('summarises: generated groups with SE and a 95% interval, fixed tasks apart (no SE), success rates', async () => {
    const { results } = await runEval({ agent: ruleAgent, tasks: ['task_easy', 'generated'], difficulties: ['easy'], split: 'test', episodes: 6, concurrency: 3 });
    const s = results.summary;
    expect(s.episodes).toBe(12);
    expect(s.valid).toBe(12);
    expect(s.fixed.task_easy).toMatchObject({ n: 6, se: null, ci95: null });
    expect(s.fixed.task_easy!.mean).toBeCloseTo(0.99, 5);
    // The headline covers generated incidents only: the fixed task is never pooled with them.
    expect(s.generated!.n).toBe(6);
    expect(s.mean).toBe(s.generated!.mean);
    const [lo, hi] = s.generated!.ci95;
    expect(lo).toBeLessThanOrEqual(s.generated!.mean);
    expect(hi).toBeGreaterThanOrEqual(s.generated!.mean);
    expect(s.generated!.success_rate).toBeGreaterThan(0);
    expect(Object.keys(s.per_difficulty)).toEqual(['easy']);
    expect(Object.keys(s.per_family).length).toBeGreaterThan(0);
    expect(s.per_stage.localize!.hit_rate).toBeGreaterThan(0);
    expect(summarise([]).mean).toBe(0);
    expect(results.episodes.every((e) => e.episode_id.startsWith('ep-') && e.infra_failure === null)).toBe(true);
    const md = markdownReport(results);
    expect(md).toContain('| task_easy | 6 | 0.990 | 100% |');
    expect(md).toMatch(/Generated incidents: mean 0\.\d{3} ± 0\.\d{3}\*\* \(standard error; 95% CI \[/);
    const html = htmlReport(results);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('gives the same trajectories in-process and against a server (ws and http), and replay accepts them', async () => {
    const opts = { agent: ruleAgent, tasks: ['task_hard', 'generated'], difficulties: ['medium' as const], split: 'test' as const, episodes: 3, concurrency: 4 };
    const local = await runEval(opts);
    const ws = await runEval({ ...opts, url: server.url, transport: 'ws' });
    const http = await runEval({ ...opts, url: server.url, transport: 'http' });
    expect(ws.trajectories).toEqual(local.trajectories);
    expect(http.trajectories).toEqual(local.trajectories);
    expect((await replayTrajectories(ws.trajectories)).mismatches).toEqual([]);
  });

  it('replay fails loudly when a trajectory was tampered with', async () => {
    const { trajectories } = await runEval({ agent: randomAgent, tasks: ['generated'], difficulties: ['easy'], split: 'train', episodes: 2, concurrency: 2 });
    const tampered: Trajectory[] = JSON.parse(JSON.stringify(trajectories));
    tampered[0]!.steps[0]!.reward += 0.5;
    tampered[1]!.steps[0]!.observation_digest = 'deadbeefdeadbeef';
    const report = await replayTrajectories(tampered);
    expect(report.mismatches.length).toBeGreaterThanOrEqual(2);
    expect(report.mismatches.join('\n')).toMatch(/reward .* recorded/);
  });
});

describe('incident-env CLI', () => {
  it('eval writes the four files; replay passes on them and fails on a tampered copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    const ev = await run(TSX, ['src/cli/main.ts', 'eval', '--agent', 'rule', '--tasks', 'task_easy,generated', '--difficulty', 'hard', '--split', 'test', '--seeds', '10-14', '--concurrency', '4', '--out', dir]);
    expect(ev.code).toBe(0);
    expect(ev.stdout).toMatch(/rule: mean 0\.\d{3}/);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.episodes).toHaveLength(10);
    expect(results.episodes[0]).toHaveProperty('stages');
    expect(results.summary).toHaveProperty('stderr');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('# Evaluation: rule');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<svg');
    const ok = await run(TSX, ['src/cli/main.ts', 'replay', join(dir, 'trajectories.jsonl')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/replayed 10 episodes, \d+ steps: 0 mismatch/);
    const lines = readFileSync(join(dir, 'trajectories.jsonl'), 'utf8').trim().split('\n');
    const t = JSON.parse(lines[0]!);
    t.score = 0.5;
    writeFileSync(join(dir, 'bad.jsonl'), [JSON.stringify(t), ...lines.slice(1)].join('\n'));
    const bad = await run(TSX, ['src/cli/main.ts', 'replay', join(dir, 'bad.jsonl')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/MISMATCH .*score/);
  });

  it('rejects unknown agents and tasks with a clear message', async () => {
    const r = await run(TSX, ['src/cli/main.ts', 'eval', '--agent', 'psychic']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown agent "psychic".*rule/);
  });

  it('play: an episode of task_easy typed at the prompt', async () => {
    const r = await run(TSX, ['src/cli/main.ts', 'play', '--task', 'task_easy'], { input: 'investigate postgres-db\nescalate database-team root cause postgres-db\nbogus\nfix increase_db_connections\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('logs of postgres-db');
    expect(r.stdout).toContain('not understood');
    expect(r.stdout).toMatch(/Episode over\. score 0\.99/);
    expect(r.stdout).toContain('ground truth: root cause postgres-db');
  });
});
