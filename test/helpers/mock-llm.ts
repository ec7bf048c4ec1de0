/**
 * A local OpenAI-compatible chat server for tests. It reads the task id from the prompt and
 * answers with the next scripted reply for that task (or fails, in `fail` mode).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockLlm {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startMockLlm(script: Record<string, string[]>, mode: 'ok' | 'fail' = 'ok'): Promise<MockLlm> {
  const counters = new Map<string, number>();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests++;
      if (mode === 'fail' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'mock failure' } }));
        return;
      }
      const messages = (JSON.parse(body) as { messages: { role: string; content: string }[] }).messages;
      const prompt = messages.find((m) => m.role === 'user')?.content ?? '';
      const task = /task: (\S+)/.exec(prompt)?.[1] ?? 'unknown';
      const i = counters.get(task) ?? 0;
      counters.set(task, i + 1);
      const content = script[task]?.[i] ?? '{"action_type": "no_op", "target": ""}';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: `mock-${state.requests}`, object: 'chat.completion', created: 0, model: 'mock', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Replies that play each seed task well, with a malformed reply and a fenced one mixed in. */
export function expertScript(paths: Record<string, { action_type: string; target: string; details?: string | null }[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [task, actions] of Object.entries(paths)) {
    const replies = actions.map((a, i) => (i === 1 ? `Sure. Here is my action:\n\`\`\`json\n${JSON.stringify(a)}\n\`\`\`` : JSON.stringify(a)));
    if (task === 'task_medium') replies.unshift('I think we should look at the cache first!');
    out[task] = replies;
  }
  return out;
}
