import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmPolicy, extractJson, fallbackAction, llmConfigFromEnv, parseAction, renderObservation } from '../../src/agents/llm.js';
import { findTask, generatedTask, observe, reset } from '../../src/domain/index.js';
import { startMockLlm, type MockLlm } from '../helpers/mock-llm.js';

const obsOf = (id: string) => {
  const t = findTask(id)!;
  return observe(t, reset(t));
};
let mock: MockLlm | null = null;
afterEach(async () => {
  await mock?.close();
  mock = null;
});
const config = (url: string) => ({ baseURL: url, model: 'mock', apiKey: 'k', timeoutMs: 2000, maxTokens: 100, temperature: 0 });

describe('llm agent', () => {
  it('reads its key from API_KEY, HF_TOKEN or OPENAI_API_KEY, in that order, with defaults', () => {
    expect(llmConfigFromEnv({})).toBeNull();
    expect(llmConfigFromEnv({ OPENAI_API_KEY: 'c', HF_TOKEN: 'b' })!.apiKey).toBe('b');
    expect(llmConfigFromEnv({ OPENAI_API_KEY: 'c', HF_TOKEN: 'b', API_KEY: 'a' })!.apiKey).toBe('a');
    const c = llmConfigFromEnv({ HF_TOKEN: 'x' })!;
    expect(c.baseURL).toBe('https://router.huggingface.co/v1');
    expect(c.model.length).toBeGreaterThan(0);
  });

  it('extracts JSON fenced or not, with braces inside strings', () => {
    expect(extractJson('{"a": 1}')).toEqual({ a: 1 });
    expect(extractJson('text ```json\n{"a": "x}y"}\n``` more')).toEqual({ a: 'x}y' });
    expect(extractJson('Action: {"a": {"b": 2}} done')).toEqual({ a: { b: 2 } });
    expect(() => extractJson('no json here')).toThrow(/no JSON/);
  });

  it('checks targets against the observation', () => {
    const obs = obsOf('task_easy');
    expect(parseAction('{"action_type":"investigate","target":"postgres-db"}', obs)).toEqual({ action_type: 'investigate', target: 'postgres-db' });
    expect(() => parseAction('{"action_type":"investigate","target":"mainframe"}', obs)).toThrow(/postgres-db/);
    expect(() => parseAction('{"action_type":"postmortem","target":""}', obs)).toThrow(/details/);
  });

  it('renders observations compactly and bounded', () => {
    const task = generatedTask({ seed: 1, difficulty: 'expert', split: 'test', family: null });
    const text = renderObservation(observe(task, reset(task)), ['investigate x']);
    expect(text.length).toBeLessThanOrEqual(12_000);
    expect(text).toContain('alerts:');
    expect(text).toContain('apply_fix:');
    expect(renderObservation(observe(task, reset(task)), [], 500).length).toBeLessThanOrEqual(500);
  });

  it('retries once on a malformed reply', async () => {
    mock = await startMockLlm({ task_easy: ['not json at all', '```\n{"action_type":"investigate","target":"postgres-db"}\n```'] });
    const policy = createLlmPolicy({ config: config(mock.url) });
    expect(await policy.act(obsOf('task_easy'))).toEqual({ action_type: 'investigate', target: 'postgres-db' });
    expect(mock.requests).toBe(2);
  });

  it('falls back to a safe action when the model keeps failing or is unreachable', async () => {
    mock = await startMockLlm({}, 'fail');
    const issues: string[] = [];
    const policy = createLlmPolicy({ config: config(mock.url), client: new OpenAI({ baseURL: mock.url, apiKey: 'k', maxRetries: 0, timeout: 2000 }), onIssue: (m) => issues.push(m) });
    const obs = obsOf('task_easy');
    const a = await policy.act(obs);
    expect(a).toEqual(fallbackAction(obs));
    expect(a.action_type).toBe('investigate');
    expect(issues[0]).toMatch(/model call failed/);
    for (let i = 0; i < 4; i++) await policy.act(obs);
    expect(mock.requests).toBe(3); // after three failures it stops calling
  });
});
