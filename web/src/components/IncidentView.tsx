/** One incident as it stands at a frame: status, the service graph, alerts, actions, evidence and, once over, the debrief. */
import type { Action } from '../../../src/domain/schemas.js';
import type { IncidentParams } from '../api.js';
import type { EpisodeEvent, EpisodeView } from '../episode-state.js';
import type { Frame } from '../model.js';
import { asTrajectory, download, timelineMarkdown } from '../saved.js';
import { Timeline } from './Charts.js';
import { Controls } from './Controls.js';
import { Graph } from './Graph.js';
import { Alerts, Catalogue, DebriefTimeline, Evidence, Explanation, History, ReferencePath } from './Panels.js';
import type { Mode } from './Setup.js';

export interface IncidentViewProps {
  view: EpisodeView;
  dispatch: (e: EpisodeEvent) => void;
  mode: Mode;
  params: IncidentParams;
  /** The frames up to the one shown (all of them, except while replaying). */
  shown: Frame[];
  current: Frame;
  score: number | null | undefined;
  /** Exam: no per-step reward, reason or score until the episode is over. */
  hidden: boolean;
  over: boolean;
  roots: string[];
  onAct(action: Action): void;
}

export function IncidentView({ view, dispatch, mode, params, shown, current, score, hidden, over, roots, onAct }: IncidentViewProps) {
  const { frames, final, busy, postmortem, picked, drill, hints } = view;
  /** Appends an evidence id to the postmortem draft (once), and says so. */
  const cite = (id: string) => dispatch({ type: 'cite', id });
  return (
    <main class="grid">
      <section class="panel wide">
        <div class="status">
          <span>step <b data-testid="step">{current.observation.step}</b> / {current.observation.max_steps}</span>
          {current.observation.clock ? <span>clock {String(current.observation.clock).slice(11, 16)} · +{String(current.observation.elapsed_minutes)} min</span> : null}
          {current.observation.error_budget_remaining_pct !== undefined ? (
            <span class="budget">error budget <meter min={0} max={100} low={30} high={60} optimum={100} value={Number(current.observation.error_budget_remaining_pct)} /> {String(current.observation.error_budget_remaining_pct)}%</span>
          ) : null}
          <span>score <b data-testid="score">{score == null || hidden ? '—' : score.toFixed(2)}</b></span>
          {mode === 'play' && frames.length > 1 ? (
            <span class="exports">
              <button class="ghost" data-testid="export-trajectory" onClick={() => download('trajectory.jsonl', `${JSON.stringify(asTrajectory(params, frames, final))}\n`, 'application/jsonl')}>Export trajectory</button>
              <button class="ghost" data-testid="export-timeline" onClick={() => download('incident-timeline.md', timelineMarkdown(params, frames, final), 'text/markdown')}>Export timeline</button>
            </span>
          ) : null}
        </div>
        <p class="message" role="status" aria-live="polite" data-testid="message">{current.observation.message}{current.reason && !hidden ? ` (${current.reward != null && current.reward >= 0 ? '+' : ''}${current.reward ?? ''}: ${current.reason})` : ''}</p>
        <Graph obs={current.observation} roots={roots} {...(mode === 'play' && !final ? { onPick: (name: string) => dispatch({ type: 'picked', name }) } : {})} />
      </section>
      <section class="panel">
        <h2>Alerts</h2>
        <Alerts obs={current.observation} />
        <Catalogue obs={current.observation} />
        {hidden ? (
          <h2>Actions</h2>
        ) : (
          <>
            <h2>Rewards</h2>
            <Timeline frames={shown} />
          </>
        )}
        <History frames={shown} hideRewards={hidden} />
        {drill ? (
          <>
            <h2>From the facilitator</h2>
            <div role="log" aria-live="polite" data-testid="hints">
              <ul class="hints">
                {hints.length ? hints.map((h, i) => <li key={i}><span class="muted">after step {h.step}:</span> {h.text}</li>) : <li class="muted">No hints yet.</li>}
              </ul>
            </div>
          </>
        ) : null}
      </section>
      <section class="panel">
        {mode === 'play' && !final ? (
          <>
            <h2>Act</h2>
            <Controls obs={current.observation} disabled={busy || !!final} onAct={onAct} postmortem={postmortem} setPostmortem={(text) => dispatch({ type: 'postmortem', text })} {...(picked ? { picked } : {})} />
          </>
        ) : null}
        <h2>Evidence</h2>
        <Evidence frames={shown} {...(mode === 'play' && !final ? { onCite: cite } : {})} />
      </section>
      {over && final ? (
        <section class="panel wide">
          <Explanation state={final} />
          <ReferencePath state={final} frames={shown} />
          <DebriefTimeline frames={shown} />
        </section>
      ) : null}
    </main>
  );
}
