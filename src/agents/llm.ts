/**
 * The LLM agent: any OpenAI-compatible chat model. Each turn it sees a compact rendering of the
 * observation (bounded in size) and its own recent actions, and answers with one JSON action.
 * Malformed replies get one retry; failures fall back to a safe action.
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { ActionSchema, type Action, type Observation } from '../domain/index.js';
import { parseAlerts } from './rule.js';
import { targetsOf, type AgentSpec, type Policy, type TurnRecord } from './types.js';

export interface LlmConfig {
  baseURL: string;
  model: string;
  apiKey: string;
  timeoutMs: number;
  maxTokens: number;
  temperature: number;
}

export const DEFAULT_BASE_URL = 'https://router.huggingface.co/v1';
export const DEFAULT_MODEL = 'Qwen/Qwen2.5-72B-Instruct';

/** The key comes from API_KEY, HF_TOKEN or OPENAI_API_KEY, in that order; null without one. */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LlmConfig | null {
  const apiKey = env.API_KEY || env.HF_TOKEN || env.OPENAI_API_KEY;
  if (!apiKey) return null;
  return {
    baseURL: env.API_BASE_URL || DEFAULT_BASE_URL,
    model: env.MODEL_NAME || DEFAULT_MODEL,
    apiKey,
    timeoutMs: Number(env.LLM_TIMEOUT_MS) || 30_000,
    maxTokens: Number(env.LLM_MAX_TOKENS) || 600,
    // 0 unless LLM_TEMPERATURE says otherwise (sampling several attempts per incident needs > 0).
    temperature: env.LLM_TEMPERATURE && Number.isFinite(Number(env.LLM_TEMPERATURE)) ? Number(env.LLM_TEMPERATURE) : 0,
  };
}

export const SYSTEM_PROMPT = `You are the on-call SRE during a production incident. Each turn you get the current observation and reply with exactly one action as a JSON object, nothing else:
{"action_type": "investigate" | "escalate" | "apply_fix" | "postmortem" | "no_op", "target": "<service, team or fix id>", "details": "<optional text>", "view": "logs" | "metrics" (optional, investigate only)}

How to work:
- Alerts show where it hurts; the loudest alert is rarely the cause. Investigate a service to see its logs and detailed metrics.
- Follow the evidence along dependencies: a service whose logs blame a dependency is a symptom; the root cause fails on its own.
- Only after investigating the root cause: escalate to the team that owns it (see "services") with details "Root cause: <service>. <what you saw>", then apply the fix that removes the cause.
- Paging the wrong team, applying the wrong fix, naming several candidate causes, or guessing all cost points. Your first root-cause statement is final.
- If nothing is actually broken, page nobody, change nothing, and say so in the postmortem.
- Finish with a postmortem in "details" (it ends the episode, so write it last): root cause (one service per fault), mechanism, trigger, impact, timeline with times, remediation, prevention, citing evidence ids like ev-1a2b from the logs you read.
- Fix ids of generated incidents are <kind>@<service>; "remedy kinds" describes each kind.
- Generated incidents: time burns the error budget. An investigation with view "logs" is a log search (lines up to when it ran; search again for newer ones) and view "metrics" opens the detailed metrics (they stay live): each takes less time than both at once.
Use only targets listed under "actions".`;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A compact, bounded text rendering of an observation. */
export function renderObservation(obs: Observation, recent: string[], maxChars = 12_000): string {
  const lines: string[] = [];
  lines.push(`task: ${obs.task_id} — ${obs.task_description}`);
  lines.push(`step ${obs.step}/${obs.max_steps}${obs.clock ? `, clock ${String(obs.clock)}` : ''}${obs.error_budget_remaining_pct !== undefined ? `, error budget ${String(obs.error_budget_remaining_pct)}%` : ''}`);
  if (obs.message) lines.push(`last result: ${clip(obs.message, 300)}`);
  if (recent.length) lines.push(`your recent actions: ${recent.join(' | ')}`);
  lines.push('alerts:', ...obs.alerts.map((a) => `  ${a}`));
  const investigated = new Set(obs.investigated);
  lines.push('services (name -> owner; depends on):');
  for (const s of obs.services) {
    const m = obs.metrics[s.name] ?? {};
    const brief = `err ${m.error_rate ?? '?'} p99 ${m.latency_p99_ms ?? '?'}ms`;
    lines.push(`  ${s.name} -> ${s.owner}; deps: ${s.depends_on.join(', ') || '-'}; ${brief}${investigated.has(s.name) ? ' [investigated]' : ''}`);
  }
  for (const name of obs.investigated) {
    const detail = Object.entries(obs.metrics[name] ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(`${name} metrics: ${clip(detail, 400)}`);
    const asOf = (obs.logs_as_of as Record<string, number> | undefined)?.[name];
    if (asOf !== undefined) lines.push(`${name} logs (searched at minute ${asOf}):`);
    for (const l of (obs.logs[name] ?? []).slice(-12)) lines.push(`  ${clip(l, 220)}`);
  }
  const kinds = (obs.remedy_kinds as Record<string, string> | undefined) ?? {};
  lines.push('actions:');
  lines.push(`  investigate: ${targetsOf(obs, 'investigate').join(', ')}`);
  lines.push(`  escalate: ${targetsOf(obs, 'escalate').join(', ')}`);
  if (Object.keys(kinds).length) lines.push(`  remedy kinds (fix ids are <kind>@<service>): ${Object.entries(kinds).map(([k, d]) => `${k} = ${d}`).join('; ')}`);
  lines.push(`  apply_fix: ${targetsOf(obs, 'apply_fix').join(', ')}`);
  lines.push('  postmortem (text in details), no_op');
  const text = lines.join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars - 40)}\n… (truncated)` : text;
}

/** Finds the first JSON object in a reply, fenced or not. */
export function extractJson(reply: string): unknown {
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(reply);
  const text = fence ? fence[1]! : reply;
  const start = text.indexOf('{');
  if (start < 0) throw new Error('no JSON object in the reply');
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error('unterminated JSON object in the reply');
}

/** Parses and checks a reply against the action schema and the listed targets. */
export function parseAction(reply: string, obs: Observation): Action {
  const parsed = ActionSchema.safeParse(extractJson(reply));
  if (!parsed.success) throw new Error(`not a valid action: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const a = parsed.data;
  const kinds: Record<string, string> = { investigate: 'investigate', escalate: 'escalate', apply_fix: 'apply_fix' };
  const kind = kinds[a.action_type];
  if (kind && !targetsOf(obs, kind).includes(a.target)) throw new Error(`"${a.target}" is not a valid ${a.action_type} target; choose one of: ${targetsOf(obs, kind).join(', ')}`);
  if (a.action_type === 'postmortem' && !(a.details ?? '').trim()) throw new Error('a postmortem needs its text in "details"');
  return { action_type: a.action_type, target: a.target, ...(a.details ? { details: a.details } : {}) };
}

/** What to do when the model cannot be used: look at an alerting service not yet seen. */
export function fallbackAction(obs: Observation): Action {
  const seen = new Set(obs.investigated);
  const next = parseAlerts(obs).find((a) => a.severity >= 2 && !seen.has(a.service));
  return next ? { action_type: 'investigate', target: next.service } : { action_type: 'no_op', target: '' };
}

export interface LlmPolicyOptions {
  config: LlmConfig;
  client?: OpenAI;
  /** Called with each problem (malformed reply, failed call), for logs. */
  onIssue?: (message: string) => void;
}

/**
 * The prompt's version: a hash of the system prompt and of the observation renderer, so results
 * made with different prompts never pass for the same agent.
 */
export const PROMPT_VERSION = createHash('sha256').update(SYSTEM_PROMPT).update(renderObservation.toString()).digest('hex').slice(0, 12);

export function llmIdentity(config: LlmConfig): Record<string, string | number | null> {
  let host: string | null = null;
  try {
    host = new URL(config.baseURL).host;
  } catch {
    host = null;
  }
  return { model: config.model, base_url_host: host, temperature: config.temperature, max_tokens: config.maxTokens, prompt_version: PROMPT_VERSION };
}

export function createLlmPolicy({ config, client, onIssue }: LlmPolicyOptions): Policy & { calls: number; failures: number } {
  const openai = client ?? new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, timeout: config.timeoutMs, maxRetries: 1 });
  const recent: string[] = [];
  let consecutiveFailures = 0;
  let turn: TurnRecord | undefined;
  const state = {
    calls: 0,
    failures: 0,
    lastTurn: () => turn,
    async act(obs: Observation): Promise<Action> {
      const t: TurnRecord = { model_calls: 0, failed_calls: 0, unparseable_replies: 0, fallback: false, tokens_in: 0, tokens_out: 0, latency_ms: 0, messages: [], completion: null };
      turn = t;
      const fallback = () => {
        t.fallback = true;
        return remember(fallbackAction(obs));
      };
      const remember = (a: Action) => {
        recent.push(`${a.action_type}${a.target ? ` ${a.target}` : ''}`);
        if (recent.length > 10) recent.shift();
        return a;
      };
      // After repeated failures the endpoint is down: stop waiting on it.
      if (consecutiveFailures >= 3) {
        t.failed_calls++;
        return fallback();
      }
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: renderObservation(obs, recent) },
      ];
      for (let attempt = 0; attempt < 2; attempt++) {
        let reply: string;
        t.messages = messages.map((m) => ({ role: m.role, content: String(m.content) }));
        const started = performance.now();
        try {
          state.calls++;
          t.model_calls++;
          const res = await openai.chat.completions.create({ model: config.model, messages, temperature: config.temperature, max_tokens: config.maxTokens });
          reply = res.choices[0]?.message?.content ?? '';
          t.tokens_in += res.usage?.prompt_tokens ?? 0;
          t.tokens_out += res.usage?.completion_tokens ?? 0;
          t.completion = reply;
        } catch (error) {
          state.failures++;
          consecutiveFailures++;
          t.failed_calls++;
          onIssue?.(`model call failed: ${(error as Error).message}`);
          return fallback();
        } finally {
          t.latency_ms += Math.round(performance.now() - started);
        }
        try {
          const action = parseAction(reply, obs);
          consecutiveFailures = 0;
          return remember(action);
        } catch (error) {
          t.unparseable_replies++;
          onIssue?.(`malformed reply (attempt ${attempt + 1}): ${(error as Error).message}`);
          messages.push({ role: 'assistant', content: clip(reply, 2000) }, { role: 'user', content: `That was not a valid action: ${(error as Error).message}. Reply with one JSON action object only.` });
        }
      }
      state.failures++;
      return fallback();
    },
  };
  return state;
}

export function llmAgent(config: LlmConfig, onIssue?: (message: string) => void): AgentSpec {
  return {
    name: 'llm',
    description: `OpenAI-compatible chat model ${config.model}`,
    identity: llmIdentity(config),
    create: () => createLlmPolicy({ config, ...(onIssue ? { onIssue } : {}) }),
  };
}
