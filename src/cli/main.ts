#!/usr/bin/env node
/** `incident-env`: serve, play, eval, replay, validity. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AGENTS } from '../agents/index.js';
import { llmAgent, llmConfigFromEnv } from '../agents/llm.js';
import type { AgentSpec } from '../agents/types.js';
import { ALL_TASK_IDS, DIFFICULTIES, FAMILY_IDS, type Difficulty } from '../domain/index.js';
import type { EpisodeSpec, Trajectory } from '../eval/episodes.js';
import { parseSeeds, runEval } from '../eval/harness.js';
import { htmlReport, markdownReport } from '../eval/report.js';
import { replayTrajectories } from '../eval/replay.js';
import { configFromEnv } from '../server/config.js';
import { startServer } from '../server/start.js';
import { play } from './play.js';

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};

function agentNamed(name: string): AgentSpec {
  if (name === 'llm') {
    const config = llmConfigFromEnv();
    if (!config) throw new InvalidArgumentError('the llm agent needs API_KEY, HF_TOKEN or OPENAI_API_KEY (and optionally API_BASE_URL, MODEL_NAME)');
    return llmAgent(config, (m) => process.stderr.write(`[llm] ${m}\n`));
  }
  const agent = AGENTS[name];
  if (!agent) throw new InvalidArgumentError(`unknown agent "${name}"; choose one of: ${[...Object.keys(AGENTS), 'llm'].join(', ')}`);
  return agent;
}

const program = new Command('incident-env').description('Incident Response OpenEnv: serve the environment, play it, evaluate agents, replay runs').version('1.0.0');

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

episodeOptions(
  program
    .command('eval')
    .description('evaluate an agent; writes results.json, report.md, report.html and trajectories.jsonl')
    .option('-a, --agent <agent>', `agent: ${[...Object.keys(AGENTS), 'llm'].join(', ')}`, 'rule')
    .option('--tasks <ids>', 'comma-separated task ids', 'task_easy,task_medium,task_hard,generated')
    .option('-n, --episodes <n>', 'episodes per task', int('episodes', 1), 20)
    .option('--seeds <seeds>', 'explicit seeds, e.g. 1000-1199 or 1,5,9 (overrides --episodes)')
    .option('-c, --concurrency <n>', 'episodes at once', int('concurrency', 1), 8)
    .option('--url <url>', 'evaluate against a server instead of in-process')
    .addOption(new Option('--transport <t>', 'with --url').choices(['ws', 'http']).default('ws'))
    .option('-o, --out <dir>', 'output directory', 'eval-out'),
).action(async (o: { agent: string; tasks: string; episodes: number; seeds?: string; concurrency: number; url?: string; transport: 'ws' | 'http'; out: string; difficulty: Difficulty; split: 'train' | 'test'; family?: string }) => {
  const agent = agentNamed(o.agent);
  const tasks = o.tasks.split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of tasks) if (!ALL_TASK_IDS.includes(t)) throw new InvalidArgumentError(`unknown task "${t}"; valid: ${ALL_TASK_IDS.join(', ')}`);
  const seeds = o.seeds ? parseSeeds(o.seeds) : undefined;
  const bar = process.stderr.isTTY ? await progressBar() : null;
  let sum = 0;
  const { results, trajectories } = await runEval({
    agent, tasks, difficulty: o.difficulty, split: o.split, family: o.family ?? null, episodes: o.episodes,
    ...(seeds ? { seeds } : {}), concurrency: o.concurrency, ...(o.url ? { url: o.url, transport: o.transport } : {}),
    onEpisode(done, total, r) {
      sum += r.score;
      if (bar) {
        if (done === 1) bar.start(total, 0, { mean: '0.000' });
        bar.update(done, { mean: (sum / done).toFixed(3) });
      }
    },
  });
  bar?.stop();
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(o.out, 'report.md'), markdownReport(results));
  writeFileSync(join(o.out, 'report.html'), htmlReport(results));
  writeFileSync(join(o.out, 'trajectories.jsonl'), trajectories.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const s = results.summary;
  console.log(`${agent.name}: mean ${s.mean.toFixed(3)} ± ${s.stderr.toFixed(3)} over ${s.episodes} episodes${s.errors ? ` (${s.errors} failed)` : ''}`);
  for (const [task, v] of Object.entries(s.per_task)) console.log(`  ${task.padEnd(12)} ${v.mean.toFixed(3)} (${v.n})`);
  console.log(`wrote ${join(o.out, 'results.json')}, report.md, report.html, trajectories.jsonl`);
});

program
  .command('replay')
  .description('replay trajectories in-process and fail if any reward, observation or score differs')
  .argument('<file>', 'trajectories.jsonl written by eval')
  .action((file: string) => {
    const trajectories = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Trajectory);
    const report = replayTrajectories(trajectories);
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
