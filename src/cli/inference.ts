/**
 * `npm run inference`: the baseline against a running server, printing the hackathon stdout
 * contract for every task. Uses the LLM agent when an API key is set, the rule agent otherwise.
 * Always prints [END] and exits 0.
 */
import { connect } from '../client/index.js';
import { llmAgent, llmConfigFromEnv } from '../agents/llm.js';
import { ruleAgent } from '../agents/rule.js';
import { runEpisode } from '../agents/run.js';
import { SUCCESS_THRESHOLD, actionString, endLine, startLine, stepLine } from '../eval/contract.js';

const envUrl = process.env.ENV_URL || 'http://localhost:7860';
const tasks = (process.env.TASKS || 'task_easy,task_medium,task_hard').split(',').map((t) => t.trim()).filter(Boolean);
const config = llmConfigFromEnv();
const agent = config ? llmAgent(config, (m) => console.error(`[llm] ${m}`)) : ruleAgent;
const model = config ? config.model : 'rule-agent';
if (!config) console.error('No API key (API_KEY, HF_TOKEN or OPENAI_API_KEY): using the rule agent.');

const print = (line: string) => process.stdout.write(`${line}\n`);

async function runTask(task: string): Promise<void> {
  print(startLine(task, model));
  const rewards: number[] = [];
  let steps = 0;
  let score = 0.01;
  let client: Awaited<ReturnType<typeof connect>> | null = null;
  try {
    client = await connect({ url: envUrl, transport: 'http', sessionId: `inference-${task}-${process.pid}`, timeoutMs: 30_000 });
    const policy = agent.create({ seed: 0 });
    const first = await client.reset({ task_id: task });
    await runEpisode(client, policy, first.observation, {
      onStep: (s) => {
        steps++;
        rewards.push(s.reward);
        print(stepLine(steps, actionString(s.action), s.reward, s.done, s.error ?? null));
      },
    });
    score = (await client.state()).score;
  } catch (error) {
    console.error(`[${task}] ${(error as Error).message}`);
  } finally {
    await client?.close().catch(() => undefined);
    print(endLine(score >= SUCCESS_THRESHOLD, steps, score, rewards));
  }
}

for (const task of tasks) await runTask(task);
process.exit(0);
