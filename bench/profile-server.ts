/** Profiling aid: drive the server with remote rule-agent episodes for a while, with --cpu-prof on. */
import { ruleAgent } from '../src/agents/index.js';
import { createRng } from '../src/domain/generator/rng.js';
import { DIFFICULTIES } from '../src/domain/index.js';
import { runEpisodeRemote } from '../src/eval/episodes.js';
import { startServerProcess } from './server-process.js';

const seconds = Number(process.argv[2] ?? 10);
const agents = Number(process.argv[3] ?? 64);
const server = await startServerProcess({ MAX_SESSIONS_PER_CLIENT: '1000000' }, process.env.PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/server-prof'] : []);
const until = Date.now() + seconds * 1000;
let steps = 0;
await Promise.all(
  Array.from({ length: agents }, async (_, i) => {
    const rng = createRng(`p${i}`);
    while (Date.now() < until) {
      const { trajectory } = await runEpisodeRemote({ task_id: 'generated', seed: rng.int(0, 1e6), difficulty: rng.pick(DIFFICULTIES), split: 'test', family: null }, ruleAgent, server.url, i % 2 ? 'ws' : 'http');
      steps += trajectory.steps.length;
    }
  }),
);
console.log(`${Math.round(steps / seconds)} steps/s`);
await server.stop();
