#!/usr/bin/env node
/** `incident-env`: serve, play, eval, replay, validity. */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AGENTS } from '../agents/index.js';
import { ENV_VERSION } from '../server/api-schemas.js';
import { llmAgent, llmConfigFromEnv } from '../agents/llm.js';
import type { AgentSpec } from '../agents/types.js';
import { ALL_TASK_IDS, DIFFICULTIES, FAMILY_IDS, type Difficulty } from '../domain/index.js';
import { CollectRecordSchema, collectRecord } from '../eval/collect.js';
import { compareTable, leaderboard, leaderboardMarkdown } from '../eval/compare.js';
import type { EpisodeResult, EpisodeSpec, Pricing, Trajectory } from '../eval/episodes.js';
import { parseSeeds, runEval, type EvalResults } from '../eval/harness.js';
import { provenance } from '../eval/provenance.js';
import { htmlReport, leaderboardHtml, markdownReport } from '../eval/report.js';
import { replayTrajectories } from '../eval/replay.js';
import { configFromEnv } from '../server/config.js';
import { startServer } from '../server/start.js';
import { play } from './play.js';

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};

function agentNamed(name: string, temperature?: number): AgentSpec {
  if (name === 'llm') {
    const config = llmConfigFromEnv();
    if (!config) throw new InvalidArgumentError('the llm agent needs API_KEY, HF_TOKEN or OPENAI_API_KEY (and optionally API_BASE_URL, MODEL_NAME)');
    return llmAgent(temperature === undefined ? config : { ...config, temperature }, (m) => process.stderr.write(`[llm] ${m}\n`));
  }
  const agent = AGENTS[name];
  if (!agent) throw new InvalidArgumentError(`unknown agent "${name}"; choose one of: ${[...Object.keys(AGENTS), 'llm'].join(', ')}`);
  return agent;
}

const program = new Command('incident-env').description('Incident Response OpenEnv: serve the environment, play it, evaluate agents, replay runs').version(ENV_VERSION);

program
  .command('serve')
  .description('serve the environment (HTTP, WebSocket, MCP) on PORT (default 7860)')
  .option('-p, --port <port>', 'port', int('port', 0))
  .option('--host <host>', 'listen address')
  .action(async (o: { port?: number; host?: string }) => {
    const config = configFromEnv();
    await startServer({ ...config, ...(o.port !== undefined ? { port: o.port } : {}), ...(o.host ? { host: o.host } : {}) });
  });

const episodeOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('--difficulty <level>', 'generated: difficulty').choices(DIFFICULTIES).default('medium'))
    .addOption(new Option('--split <split>', 'generated: train or test').choices(['train', 'test']).default('train'))
    .addOption(new Option('--family <family>', 'generated: pin a fault family').choices(FAMILY_IDS as string[]));

episodeOptions(
  program
    .command('play')
    .description('play an incident in the terminal')
    .addOption(new Option('-t, --task <task>', 'task id').choices(ALL_TASK_IDS as string[]).default('task_easy'))
    .option('-s, --seed <seed>', 'seed', int('seed', 0), 0)
    .option('--url <url>', 'play against a server instead of in-process'),
).action(async (o: { task: string; seed: number; difficulty: Difficulty; split: 'train' | 'test'; family?: string; url?: string }) => {
  const spec: EpisodeSpec = { task_id: o.task, seed: o.seed, difficulty: o.difficulty, split: o.split, family: o.family ?? null };
  process.exitCode = await play(spec, o.url);
});

const list = <T extends string>(name: string, allowed: readonly T[]) => (v: string): T[] => {
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of items) if (!allowed.includes(x as T)) throw new InvalidArgumentError(`unknown ${name} "${x}"; valid: ${allowed.join(', ')}`);
  if (!items.length) throw new InvalidArgumentError(`${name}: give at least one`);
  return [...new Set(items)] as T[];
};
const num = (name: string, min: number, max = Infinity) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min}${max < Infinity ? ` to ${max}` : ''}`);
  return n;
};

function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as T;
    } catch {
      throw new Error(`${file} line ${i + 1} is not JSON (a run interrupted mid-write?): delete that line to resume`);
    }
  });
}

function readResults(path: string): EvalResults {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.json') : path;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const r = parsed as Partial<EvalResults>;
  if (!r || typeof r !== 'object' || !Array.isArray(r.episodes) || !r.summary || !r.options) throw new Error(`${file} is not an eval results.json (written by incident-env eval)`);
  return r as EvalResults;
}

program
  .command('eval')
  .description('evaluate an agent; writes results.json, report.md, report.html, trajectories.jsonl, episodes.jsonl and results.jsonl (OpenEnv collect records)')
  .option('-a, --agent <agent>', `agent: ${[...Object.keys(AGENTS), 'llm'].join(', ')}`, 'rule')
  .option('--tasks <ids>', 'comma-separated task ids', list('task', ALL_TASK_IDS as string[]), ['task_easy', 'task_medium', 'task_hard', 'generated'])
  .option('--difficulty <levels>', 'generated: comma-separated difficulties', list('difficulty', DIFFICULTIES as readonly Difficulty[]), ['medium'] as Difficulty[])
  .addOption(new Option('--split <split>', 'generated: train or test').choices(['train', 'test']).default('train'))
  .option('--family <families>', 'generated: comma-separated families to pin', list('family', FAMILY_IDS as string[]))
  .option('-n, --episodes <n>', 'episodes per task', int('episodes', 1), 20)
  .option('--seeds <seeds>', 'explicit seeds, e.g. 1000-1199 or 1,5,9 (overrides --episodes)')
  .option('--samples <k>', 'attempts per incident, for pass@k (use a temperature above 0)', int('samples', 1), 1)
  .option('--temperature <t>', 'llm: sampling temperature (default LLM_TEMPERATURE or 0)', num('temperature', 0, 2))
  .option('-c, --concurrency <n>', 'episodes at once', int('concurrency', 1), 8)
  .option('--url <url>', 'evaluate against a server instead of in-process')
  .addOption(new Option('--transport <t>', 'with --url').choices(['ws', 'http']).default('ws'))
  .option('--retries <n>', 'extra attempts for an episode whose infrastructure failed', int('retries', 0), 2)
  .option('--episode-timeout <s>', 'seconds an episode attempt may take', num('episode timeout', 1), 600)
  .option('--max-infra-failure-rate <x>', 'exit 3 when more episodes than this share failed for infrastructure reasons', num('max infra failure rate', 0, 1), 0.05)
  .option('--price-in <usd>', 'llm: US dollars per million input tokens', num('price', 0))
  .option('--price-out <usd>', 'llm: US dollars per million output tokens', num('price', 0))
  .option('--pricing <file>', 'llm: JSON file {"<model>": {"in": usd_per_million, "out": usd_per_million}}')
  .option('--resume', 'skip episodes already finished in --out (episodes.jsonl)')
  .option('-o, --out <dir>', 'output directory', 'eval-out')
  .action(async (o: {
    agent: string; tasks: string[]; difficulty: Difficulty[]; split: 'train' | 'test'; family?: string[]; episodes: number; seeds?: string; samples: number; temperature?: number;
    concurrency: number; url?: string; transport: 'ws' | 'http'; retries: number; episodeTimeout: number; maxInfraFailureRate: number;
    priceIn?: number; priceOut?: number; pricing?: string; resume?: boolean; out: string;
  }) => {
    const agent = agentNamed(o.agent, o.temperature);
    const seeds = o.seeds ? parseSeeds(o.seeds) : undefined;
    let pricing: Pricing | undefined;
    if (o.priceIn !== undefined || o.priceOut !== undefined) pricing = { inPerMillion: o.priceIn ?? 0, outPerMillion: o.priceOut ?? 0 };
    if (o.pricing) {
      const table = JSON.parse(readFileSync(o.pricing, 'utf8')) as Record<string, { in: number; out: number }>;
      const model = String(agent.identity?.model ?? '');
      const price = table[model];
      if (!price) throw new InvalidArgumentError(`${o.pricing} has no price for model "${model}"`);
      pricing = { inPerMillion: price.in, outPerMillion: price.out };
    }
    mkdirSync(o.out, { recursive: true });
    const episodesFile = join(o.out, 'episodes.jsonl');
    const trajectoriesFile = join(o.out, 'trajectories.jsonl');
    let completed: { result: EpisodeResult; trajectory: Trajectory }[] = [];
    if (o.resume) {
      const byId = new Map(readJsonl<Trajectory>(trajectoriesFile).map((t) => [t.episode_id, t] as const));
      completed = readJsonl<EpisodeResult>(episodesFile).filter((r) => !r.infra_failure && byId.has(r.episode_id)).map((result) => ({ result, trajectory: byId.get(result.episode_id)! }));
      process.stderr.write(`resuming: ${completed.length} episode(s) already finished in ${o.out}\n`);
    } else {
      writeFileSync(episodesFile, '');
      writeFileSync(trajectoriesFile, '');
    }
    const bar = process.stderr.isTTY ? await progressBar() : null;
    let sum = 0;
    let seen = 0;
    const prov = provenance();
    const { results, trajectories } = await runEval({
      agent, tasks: o.tasks, difficulties: o.difficulty, split: o.split, families: o.family ?? [null], episodes: o.episodes,
      ...(seeds ? { seeds } : {}), samples: o.samples, concurrency: o.concurrency, ...(o.url ? { url: o.url, transport: o.transport } : {}),
      retries: o.retries, episodeTimeoutMs: o.episodeTimeout * 1000, ...(pricing ? { pricing } : {}), completed, provenance: prov,
      onEpisode(done, total, r, t) {
        // Written as they finish, so an interrupted run can be resumed.
        appendFileSync(episodesFile, `${JSON.stringify(r)}\n`);
        appendFileSync(trajectoriesFile, `${JSON.stringify(t)}\n`);
        sum += r.score;
        seen++;
        if (bar) {
          if (seen === 1) bar.start(total, done - 1, { mean: '0.000' });
          bar.update(done, { mean: (sum / seen).toFixed(3) });
        }
      },
    });
    bar?.stop();
    prov.finished_at = new Date().toISOString();
    writeFileSync(join(o.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(o.out, 'report.md'), markdownReport(results));
    writeFileSync(join(o.out, 'report.html'), htmlReport(results));
    // Complete files in run order (resumed episodes included).
    writeFileSync(episodesFile, results.episodes.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(trajectoriesFile, trajectories.map((t) => JSON.stringify(t)).join('\n') + '\n');
    writeFileSync(join(o.out, 'results.jsonl'), results.episodes.map((r, i) => JSON.stringify(CollectRecordSchema.parse(collectRecord(r, trajectories[i]!)))).join('\n') + '\n');
    const s = results.summary;
    const g = s.generated;
    console.log(`${agent.name}: mean ${s.mean.toFixed(3)} ± ${s.stderr.toFixed(3)}${g ? ` (generated, 95% CI [${g.ci95[0].toFixed(3)}, ${g.ci95[1].toFixed(3)}], success ${(g.success_rate * 100).toFixed(1)}%)` : ''} over ${s.valid} valid episodes${s.infra_failures ? `; ${s.infra_failures} infrastructure failure(s) excluded` : ''}`);
    for (const [task, v] of Object.entries(s.per_task)) console.log(`  ${task.padEnd(12)} ${v.mean.toFixed(3)} (${v.n})`);
    console.log(`wrote ${join(o.out, 'results.json')}, report.md, report.html, trajectories.jsonl, episodes.jsonl, results.jsonl`);
    if (s.infra_failure_rate > o.maxInfraFailureRate) {
      console.error(`infrastructure failures: ${s.infra_failures} of ${s.episodes} episodes (${(s.infra_failure_rate * 100).toFixed(1)}%) > --max-infra-failure-rate ${o.maxInfraFailureRate}; the means cover ${s.valid} episodes only`);
      process.exitCode = 3;
    }
  });

program
  .command('compare')
  .description('compare two eval runs: per-group differences of means with 95% bootstrap intervals')
  .argument('<a>', 'results.json (or its directory) of run A')
  .argument('<b>', 'results.json (or its directory) of run B')
  .action((a: string, b: string) => {
    console.log(compareTable(readResults(a), readResults(b)));
  });

program
  .command('leaderboard')
  .description('a table of many eval runs, best generated mean first (Markdown; --html for a page)')
  .argument('<runs...>', 'results.json files or their directories')
  .option('--html <file>', 'also write an HTML page')
  .action((runs: string[], o: { html?: string }) => {
    const rows = leaderboard(runs.map((name) => ({ name, results: readResults(name) })));
    const md = leaderboardMarkdown(rows);
    console.log(md);
    if (o.html) writeFileSync(o.html, leaderboardHtml(md));
  });

program
  .command('replay')
  .description('replay trajectories in-process and fail if any reward, observation or score differs')
  .argument('<path>', 'trajectories.jsonl written by eval, or its output directory')
  .action(async (path: string) => {
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'trajectories.jsonl') : path;
    if (!existsSync(file)) throw new Error(`${file} does not exist`);
    if (file.endsWith('.json')) throw new Error(`${file} is a results file; replay reads trajectories.jsonl (or the run's directory)`);
    const trajectories = readJsonl<Trajectory>(file);
    if (trajectories.some((t) => !t || !Array.isArray(t.steps) || !t.spec)) throw new Error(`${file} does not hold trajectories (written by incident-env eval)`);
    const report = await replayTrajectories(trajectories);
    for (const m of report.mismatches.slice(0, 20)) console.error(`MISMATCH ${m}`);
    console.log(`replayed ${report.episodes} episodes, ${report.steps} steps: ${report.mismatches.length} mismatch(es)`);
    process.exitCode = report.mismatches.length ? 1 : 0;
  });

program
  .command('validity')
  .description('reference-agent bounds, solvability and determinism of generated incidents')
  .option('--seeds <n>', 'seeds per difficulty and split', int('seeds', 1), 200)
  .action(async (o: { seeds: number }) => {
    process.argv = [process.argv[0]!, 'validity', '--seeds', String(o.seeds)];
    await import('./validity.js');
  });

async function progressBar() {
  const { SingleBar, Presets } = await import('cli-progress');
  return new SingleBar({ format: 'eval [{bar}] {value}/{total} episodes · mean {mean} · eta {eta}s', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
}

program.parseAsync().catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
