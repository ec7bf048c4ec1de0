/** `incident-env play`: step through an incident in the terminal. */
import { createInterface } from 'node:readline';
import { connect } from '../client/index.js';
import { observe, reset, state as stateOf, step as stepEpisode, type Action, type Observation, type State } from '../domain/index.js';
import { resetOptions, taskFor, type EpisodeSpec } from '../eval/episodes.js';

interface Session {
  reset(): Promise<Observation>;
  step(a: Action): Promise<{ observation: Observation; reward: number; reason: string; done: boolean }>;
  state(): Promise<State>;
  close(): Promise<void>;
}

function inProcess(spec: EpisodeSpec): Session {
  const task = taskFor(spec);
  let ep = reset(task, { seed: spec.seed });
  return {
    reset: async () => observe(task, ep),
    async step(a) {
      const o = stepEpisode(task, ep, a);
      if (!o.ok) throw new Error(`${o.error.message}${o.error.allowed ? `; allowed: ${o.error.allowed.join(', ')}` : ''}`);
      ep = o.episode;
      return { observation: o.result.observation, reward: o.result.reward.value, reason: o.result.reward.reason, done: o.result.done };
    },
    state: async () => stateOf(task, ep),
    close: async () => undefined,
  };
}

async function remote(spec: EpisodeSpec, url: string): Promise<Session> {
  const client = await connect({ url, transport: 'ws' });
  return {
    reset: async () => (await client.reset(resetOptions(spec))).observation,
    async step(a) {
      const r = await client.step(a);
      return { observation: r.observation, reward: r.reward ?? 0, reason: '', done: r.done };
    },
    state: () => client.state(),
    close: () => client.close(),
  };
}

const HELP = `commands: <number> (an action from the list) | investigate <service> | escalate <team> [details] | fix <fix_id> [details]
          postmortem <text> | noop | state | help | quit`;

export function render(obs: Observation, shownLogs: Set<string>): string {
  const out: string[] = [];
  out.push(`\n— step ${obs.step}/${obs.max_steps}${obs.clock ? ` · ${String(obs.clock)}` : ''}${obs.error_budget_remaining_pct !== undefined ? ` · error budget ${String(obs.error_budget_remaining_pct)}%` : ''}`);
  out.push(obs.message);
  out.push('alerts:', ...obs.alerts.map((a) => `  ${a}`));
  const hot = Object.entries(obs.metrics).filter(([, m]) => (m.error_rate ?? 0) >= 0.02).map(([s, m]) => `${s} err ${m.error_rate}`);
  if (hot.length) out.push(`elevated error rates: ${hot.join(', ')}`);
  for (const s of obs.investigated) {
    if (shownLogs.has(s)) continue;
    shownLogs.add(s);
    out.push(`logs of ${s}:`, ...(obs.logs[s] ?? []).map((l) => `  ${l}`));
    out.push(`metrics of ${s}: ${Object.entries(obs.metrics[s] ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  out.push('actions:', ...obs.available_actions.map((a, i) => `  ${String(i + 1).padStart(2)}. ${a}`));
  return out.join('\n');
}

export function parseCommand(line: string, obs: Observation): Action | 'state' | 'help' | 'quit' | null {
  const text = line.trim();
  if (!text) return null;
  const [word = '', ...rest] = text.split(/\s+/);
  const arg = rest[0] ?? '';
  const details = rest.slice(1).join(' ');
  if (/^\d+$/.test(word)) {
    const entry = obs.available_actions[Number(word) - 1];
    if (!entry) return null;
    const at = entry.indexOf(':');
    const kind = (at < 0 ? entry : entry.slice(0, at)) as Action['action_type'];
    if (kind === 'postmortem') return null;
    return { action_type: kind, target: at < 0 ? '' : entry.slice(at + 1) };
  }
  switch (word.toLowerCase()) {
    case 'investigate': case 'i': return { action_type: 'investigate', target: arg };
    case 'escalate': case 'e': return { action_type: 'escalate', target: arg, ...(details ? { details } : {}) };
    case 'fix': case 'apply_fix': case 'f': return { action_type: 'apply_fix', target: arg, ...(details ? { details } : {}) };
    case 'postmortem': case 'pm': return { action_type: 'postmortem', target: '', details: rest.join(' ') };
    case 'noop': case 'no_op': case 'n': return { action_type: 'no_op', target: '' };
    case 'state': case 's': return 'state';
    case 'help': case 'h': case '?': return 'help';
    case 'quit': case 'q': case 'exit': return 'quit';
    default: return null;
  }
}

export async function play(spec: EpisodeSpec, url?: string): Promise<number> {
  const session = url ? await remote(spec, url) : inProcess(spec);
  const rl = createInterface({ input: process.stdin, terminal: false });
  const shown = new Set<string>();
  let obs = await session.reset();
  console.log(`${obs.task_description}\n${HELP}`);
  console.log(render(obs, shown));
  const prompt = () => process.stdout.write('> ');
  prompt();
  try {
    // Iterating the interface buffers lines, so piped input is read in full.
    for await (const line of rl) {
      const cmd = parseCommand(line, obs);
      if (cmd === null) {
        console.log(`not understood. ${HELP}`);
        prompt();
        continue;
      }
      if (cmd === 'quit') break;
      if (cmd === 'help') {
        console.log(HELP);
        prompt();
        continue;
      }
      if (cmd === 'state') {
        const s = await session.state();
        console.log(`score ${s.score}${s.done ? ' (final)' : ''}`);
        for (const r of s.rubric) console.log(`  ${r.met ? '✓' : '·'} ${r.id} ${r.earned}/${r.weight} ${r.why}`);
        prompt();
        continue;
      }
      try {
        const r = await session.step(cmd);
        obs = r.observation;
        console.log(`reward ${r.reward}${r.reason ? ` (${r.reason})` : ''}`);
        if (r.done) {
          const s = await session.state();
          console.log(`\nEpisode over. score ${s.score}`);
          for (const item of s.rubric) console.log(`  ${item.met ? '✓' : '·'} ${item.id} ${item.earned}/${item.weight} ${item.why}`);
          if (s.ground_truth) console.log(`ground truth: root cause ${s.ground_truth.root_cause || '(none)'}, owner ${s.ground_truth.team || '-'}, fix ${s.ground_truth.fix || '-'}`);
          break;
        }
        console.log(render(obs, shown));
      } catch (error) {
        console.log(`rejected: ${(error as Error).message}`);
      }
      prompt();
    }
  } finally {
    rl.close();
    await session.close();
  }
  return 0;
}
