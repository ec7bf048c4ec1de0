/**
 * A person's play survives a reload and a server restart: the incident's parameters and the
 * actions taken are kept in the browser, and since the environment is deterministic, replaying
 * them in a new session rebuilds the same episode. Play also exports as a trajectory (which
 * replay opens) and as a Markdown timeline.
 */
import type { Action, State } from '../../src/domain/schemas.js';
import type { IncidentParams } from './api.js';
import type { Frame } from './model.js';
import type { RecordedEpisode } from './replay.js';

const KEY = 'incident-env-play';

export interface SavedPlay {
  params: IncidentParams;
  steps: { action: Action; reward: number }[];
}

export function savePlay(params: IncidentParams, frames: Frame[]): void {
  const steps = frames.filter((f) => f.action).map((f) => ({ action: f.action!, reward: f.reward ?? 0 }));
  localStorage.setItem(KEY, JSON.stringify({ params, steps } satisfies SavedPlay));
}

export function loadPlay(): SavedPlay | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as SavedPlay | null;
    return saved && saved.params && Array.isArray(saved.steps) ? saved : null;
  } catch {
    return null;
  }
}

export const forgetPlay = () => localStorage.removeItem(KEY);

/** The play as a recorded episode: one JSON line that `incident-env replay` and the replay mode open. */
export function asTrajectory(params: IncidentParams, frames: Frame[], final: State | null): RecordedEpisode {
  const spec = params.task_id === 'generated' ? { task_id: params.task_id, seed: params.seed, difficulty: params.difficulty, split: params.split, family: params.family || null } : { task_id: params.task_id, seed: params.seed };
  return { spec, agent: 'human', steps: frames.filter((f) => f.action).map((f) => ({ action: f.action!, reward: f.reward ?? 0 })), score: final?.score ?? frames[frames.length - 1]?.score ?? 0 };
}

/** An incident timeline in the manner of incident.io and PagerDuty exports, then the postmortem. */
export function timelineMarkdown(params: IncidentParams, frames: Frame[], final: State | null): string {
  const title = params.task_id === 'generated' ? `generated incident (${params.difficulty}, ${params.split}, seed ${params.seed})` : params.task_id;
  const lines = [`# Incident timeline: ${title}`, '', '| step | time | action | result |', '|---|---|---|---|'];
  for (const f of frames) {
    if (!f.action) continue;
    const when = f.observation.clock ? String(f.observation.clock).slice(11, 16) : '';
    const what = `${f.action.action_type}${f.action.target ? ` ${f.action.target}` : ''}`.replace(/\|/g, '\\|');
    lines.push(`| ${f.observation.step} | ${when} | ${what} | ${f.reason.replace(/\|/g, '\\|')} |`);
  }
  const postmortem = [...frames].reverse().find((f) => f.action?.action_type === 'postmortem')?.action?.details;
  lines.push('', `Score: ${final ? final.score.toFixed(3) : 'not finished'}.`);
  if (postmortem) lines.push('', '## Postmortem', '', postmortem);
  return `${lines.join('\n')}\n`;
}

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
