/** `incident-env play`: step through an incident in the terminal. */
import { createInterface } from 'node:readline';
import { runEpisode, type EpisodeEnv } from '../agents/run.js';
import type { Policy } from '../agents/types.js';
import { connect } from '../client/index.js';
import { targetsOf, type Action, type Observation, type State } from '../domain/index.js';
import { resetOptions, taskFor, type EpisodeSpec } from '../eval/episodes.js';
import { inProcessEnv } from '../eval/in-process.js';

/** An environment to play, wherever it runs: its first observation, its steps, its state. */
interface Session {
  env: EpisodeEnv;
  first: Observation;
  state(): Promise<State>;
  close(): Promise<void>;
}

function inProcess(spec: EpisodeSpec): Session {
  const env = inProcessEnv(taskFor(spec), spec.seed);
  return { env, first: env.first, state: async () => env.state(), close: async () => undefined };
}

async function remote(spec: EpisodeSpec, url: string): Promise<Session> {
  const client = await connect({ url, transport: 'ws' });
  const first = (await client.reset(resetOptions(spec))).observation;
  return { env: client, first, state: () => client.state(), close: () => client.close() };
}

/** Thrown by the keyboard when the person quits (or input ends) mid-episode. */
class Quit extends Error {}

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

/**
 * A person at the keyboard, as a policy: each turn reads lines until one is an action the
 * observation offers (help, state and typos are answered on the spot and cost nothing).
 */
function keyboard(next: () => Promise<string | null>, session: Session): Policy {
  const prompt = () => process.stdout.write('> ');
  return {
    async act(obs) {
      for (;;) {
        prompt();
        const line = await next();
        if (line === null) throw new Quit();
        const cmd = parseCommand(line, obs);
        if (cmd === 'quit') throw new Quit();
        if (cmd === null) {
          console.log(`not understood. ${HELP}`);
          continue;
        }
        if (cmd === 'help') {
          console.log(HELP);
          continue;
        }
        if (cmd === 'state') {
          const s = await session.state();
          console.log(`score ${s.score}${s.done ? ' (final)' : ''}`);
          for (const r of s.rubric) console.log(`  ${r.met ? '✓' : '·'} ${r.id} ${r.earned}/${r.weight} ${r.why}`);
          continue;
        }
        const targets = targetsOf(obs, cmd.action_type);
        if (cmd.action_type !== 'postmortem' && cmd.action_type !== 'no_op' && !targets.includes(cmd.target)) {
          console.log(`rejected: ${cmd.action_type} needs one of: ${targets.join(', ') || '(none)'}`);
          continue;
        }
        return cmd as Action;
      }
    },
  };
}

export async function play(spec: EpisodeSpec, url?: string): Promise<number> {
  const session = url ? await remote(spec, url) : inProcess(spec);
  const rl = createInterface({ input: process.stdin, terminal: false });
  // Iterating the interface buffers lines, so piped input is read in full.
  const lines = rl[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    return r.done ? null : (r.value as string);
  };
  const shown = new Set<string>();
  console.log(`${session.first.task_description}\n${HELP}`);
  console.log(render(session.first, shown));
  try {
    const run = await runEpisode(session.env, keyboard(next, session), session.first, {
      onStep: (s) => {
        if (s.error) console.log(`rejected: ${s.error} (played as a no-op)`);
        console.log(`reward ${s.reward}${s.reason ? ` (${s.reason})` : ''}`);
        if (!s.done) console.log(render(s.observation, shown));
      },
    });
    if (run.done) {
      const s = await session.state();
      console.log(`\nEpisode over. score ${s.score}`);
      for (const item of s.rubric) console.log(`  ${item.met ? '✓' : '·'} ${item.id} ${item.earned}/${item.weight} ${item.why}`);
      if (s.ground_truth) console.log(`ground truth: root cause ${s.ground_truth.root_cause || '(none)'}, owner ${s.ground_truth.team || '-'}, fix ${s.ground_truth.fix || '-'}`);
    }
  } catch (error) {
    if (!(error instanceof Quit)) throw error;
  } finally {
    rl.close();
    await session.close();
  }
  return 0;
}
