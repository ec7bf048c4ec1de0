/** Read-only panels: alerts, evidence (logs and metrics), history, and the grader's explanation. */
import { useState } from 'preact/hooks';
import type { Observation, State } from '../../../src/domain/schemas.js';
import { HEALTH_MARK, firingBy, health, severityOf, type Frame } from '../model.js';
import { MetricChart, Sparkline, thresholdsOf } from './Charts.js';

export function Alerts({ obs }: { obs: Observation }) {
  return (
    <ul class="alerts" data-testid="alerts">
      {obs.alerts.map((a, i) => <li key={i} class={`alert ${severityOf(a)}`}>{a}</li>)}
    </ul>
  );
}

/** `[ev-1a2b] <time> LEVEL text` (generated incidents) or `<time> LEVEL text` (seed tasks). */
const LEVEL = /^(?:\[(ev-[0-9a-f]{4}(?:-\d+)?)\] )?(\S+) (DEBUG|INFO|LOG|NOTICE|WARN|WARNING|ERROR|FATAL|PANIC)\s+(.*)$/;
type Level = 'error' | 'warn' | 'info';
const levelOf = (l: string): Level => (l === 'ERROR' || l === 'FATAL' || l === 'PANIC' ? 'error' : l === 'WARN' || l === 'WARNING' ? 'warn' : 'info');

/** One log line: its evidence id (a button that cites it, while a postmortem can still be written), time, level and text. */
function LogLine({ line, onCite }: { line: string; onCite?: (id: string) => void }) {
  const m = LEVEL.exec(line);
  if (!m) return <span class="line">{line}{'\n'}</span>;
  const [, id, at, level, text] = m;
  return (
    <span class={`line lv-${levelOf(level!)}`}>
      {id ? (onCite ? <><button class="ev cite" title={`cite ${id} in the postmortem`} onClick={() => onCite(id)}>{id}</button> </> : <><span class="ev">{id}</span> </>) : null}<span class="muted">{at}</span> <b class="lvl">{level}</b> {text}{'\n'}
    </span>
  );
}

/**
 * Evidence: each investigated service's metrics and logs, with a log explorer (search, level
 * filter, wrapped lines, levels in colour and in words) across every service seen.
 */
export function Evidence({ frames, onCite }: { frames: Frame[]; onCite?: (id: string) => void }) {
  const obs = frames[frames.length - 1]!.observation;
  const [query, setQuery] = useState('');
  const [levels, setLevels] = useState<Record<Level, boolean>>({ error: true, warn: true, info: true });
  if (obs.investigated.length === 0) return <p class="muted">Investigate a service to see its logs and detailed metrics.</p>;
  const q = query.trim().toLowerCase();
  const keep = (line: string) => {
    const m = LEVEL.exec(line);
    return (!m || levels[levelOf(m[3]!)]) && (!q || line.toLowerCase().includes(q));
  };
  return (
    <div class="evidence">
      <div class="log-tools" role="search">
        <label>search logs <input type="search" value={query} data-testid="log-search" onInput={(e) => setQuery(e.currentTarget.value)} placeholder="text, a host, an evidence id" /></label>
        {(['error', 'warn', 'info'] as const).map((l) => (
          <label key={l} class="check"><input type="checkbox" checked={levels[l]} data-testid={`level-${l}`} onChange={(e) => setLevels({ ...levels, [l]: e.currentTarget.checked })} /> {l === 'warn' ? 'warnings' : l === 'error' ? 'errors' : 'info'}</label>
        ))}
      </div>
      {[...obs.investigated].reverse().map((s) => {
        const lines = (obs.logs[s] ?? []).filter(keep);
        if (q && lines.length === 0) return null;
        return (
        <details key={s} open={!!q || s === obs.investigated[obs.investigated.length - 1]}>
          <summary>
            {s} <span class="muted">error rate</span> <Sparkline values={frames.map((f) => f.observation.metrics[s]?.error_rate ?? 0)} />
            {(obs.metric_evidence as Record<string, string> | undefined)?.[s] ? (
              onCite ? <button class="ev cite" title="cite this metrics reading" onClick={() => onCite((obs.metric_evidence as Record<string, string>)[s]!)}>{(obs.metric_evidence as Record<string, string>)[s]}</button> : <span class="ev">{(obs.metric_evidence as Record<string, string>)[s]}</span>
            ) : null}
          </summary>
          <div class="metric-charts" data-testid={`charts-${s}`}>
            {['error_rate', 'latency_p99_ms'].map((m) => {
              const t = thresholdsOf(frames, s).get(m);
              return <MetricChart key={m} frames={frames} service={s} metric={m} {...(t !== undefined ? { threshold: t } : {})} />;
            })}
          </div>
          <table class="metrics">
            <tbody>
              {Object.entries(obs.metrics[s] ?? {}).map(([k, v]) => (
                <tr key={k}><td>{k}</td><td>{v}</td></tr>
              ))}
            </tbody>
          </table>
          {/* Focusable, so a keyboard can scroll a long log. */}
          {(obs.logs_as_of as Record<string, number> | undefined)?.[s] !== undefined ? (
            <p class="muted">logs as searched at minute {(obs.logs_as_of as Record<string, number>)[s]} (search again for newer lines)</p>
          ) : obs.logs[s] === undefined ? <p class="muted">no log search yet</p> : null}
          <pre class="logs" tabIndex={0} aria-label={`logs of ${s}`} data-testid={`logs-${s}`}>{lines.map((l, i) => <LogLine key={i} line={l} onCite={onCite} />)}</pre>
        </details>
        );
      })}
    </div>
  );
}

export function History({ frames, hideRewards = false }: { frames: Frame[]; hideRewards?: boolean }) {
  return (
    <ol class="history" data-testid="history">
      {frames.slice(1).map((f, i) => (
        <li key={i}>
          <span class="act">{f.action?.action_type}{f.action?.target ? ` ${f.action.target}` : ''}</span>
          {hideRewards ? null : (
            <>
              <span class={`reward ${(f.reward ?? 0) < 0 ? 'neg' : 'pos'}`}>{(f.reward ?? 0) >= 0 ? '+' : ''}{(f.reward ?? 0).toFixed(2)}</span>
              <span class="muted"> {f.reason}</span>
            </>
          )}
          {f.action?.details ? <div class="details">{f.action.details}</div> : null}
        </li>
      ))}
    </ol>
  );
}

export function Explanation({ state }: { state: State }) {
  const faults = state.faults as { family: string; root_cause: string; team: string; fix: string; mechanism: string }[] | undefined;
  return (
    <section class="explain" data-testid="explanation">
      <h2>
        Final score <span data-testid="final-score">{state.score.toFixed(2)}</span>
      </h2>
      <table>
        <thead><tr><th>result</th><th>item</th><th>earned</th><th>what the grader saw</th></tr></thead>
        <tbody>
          {state.rubric.map((r) => {
            // Partial credit is shown as partial, in words as well as a mark.
            const result = r.met ? { mark: '✓', word: 'full', cls: 'met' } : r.earned > 0 ? { mark: '◐', word: 'partial', cls: 'partial' } : { mark: '✗', word: 'none', cls: 'unmet' };
            return (
            <tr key={r.id} class={result.cls} data-testid={`stage-${r.id}`}>
              <td><span aria-hidden="true">{result.mark}</span> {result.word}</td>
              <td>{r.description}</td>
              <td>{r.earned.toFixed(3)} / {r.weight}</td>
              <td>{r.why}</td>
            </tr>
            );
          })}
        </tbody>
      </table>
      {state.penalties.length ? <p>Penalties: {state.penalties.map((p) => `${p.reason} (${p.points})`).join('; ')}</p> : null}
      {faults ? (
        faults.length === 0 ? <p>Ground truth: nothing was broken (a no-fault control episode).</p> : faults.map((f, i) => <p key={i}>Ground truth: <b>{f.root_cause}</b> ({f.family}), owner {f.team}, remedy {f.fix}. {f.mechanism}</p>)
      ) : state.ground_truth ? (
        <p>Ground truth: <b>{state.ground_truth.root_cause}</b>, owner {state.ground_truth.team}, remedy {state.ground_truth.fix}. {state.ground_truth.mechanism}</p>
      ) : null}
    </section>
  );
}

type FaultView = { root_cause: string; team: string; fix: string; needs_first?: string[]; masked_by?: number };

/** What a responder who knew the answer would have done, in the fewest actions. */
function referenceActions(state: State): string[] {
  const faults = state.faults as FaultView[] | undefined;
  if (faults && faults.length === 0) return ['investigate each alerting service', 'page nobody, change nothing', 'postmortem: no fault'];
  const list = faults ?? (state.ground_truth ? [{ root_cause: state.ground_truth.root_cause, team: state.ground_truth.team, fix: state.ground_truth.fix }] : []);
  return [
    ...list.flatMap((f) => [
      `investigate ${f.root_cause}${f.masked_by !== undefined ? ' (once the first fix brings load back)' : ''}`,
      `escalate ${f.team}`,
      ...(f.needs_first?.length ? [`apply_fix ${f.needs_first[0]} (shed load first)`] : []),
      `apply_fix ${f.fix}`,
    ]),
    'postmortem citing the evidence seen',
  ];
}

/** The debrief's comparison: the player's actions beside a reference responder's. */
export function ReferencePath({ state, frames }: { state: State; frames?: Frame[] }) {
  // The player's actions: from the frames the console kept, or (a facilitator) from the state's history.
  const actions = frames ? frames.slice(1).map((f) => f.action) : state.history.map((h) => h.action);
  const mine = actions.map((a) => `${a?.action_type ?? ''}${a?.target ? ` ${a.target}` : ''}`);
  return (
    <div class="reference" data-testid="reference-path">
      <div>
        <h3>Your path ({mine.length} actions)</h3>
        <ol>{mine.map((a, i) => <li key={i}>{a}</li>)}</ol>
      </div>
      <div>
        <h3>A reference responder</h3>
        <ol>{referenceActions(state).map((a, i) => <li key={i}>{a}</li>)}</ol>
      </div>
    </div>
  );
}

/** Every service, its owning team, what it calls and its health now: who to page for what. */
export function Catalogue({ obs }: { obs: Observation }) {
  const firing = firingBy(obs.alerts);
  return (
    <details class="catalogue">
      <summary>Service catalogue ({obs.services.length} services, their owners)</summary>
      <table data-testid="catalogue">
        <thead><tr><th>service</th><th>owner</th><th>calls</th><th>health</th></tr></thead>
        <tbody>
          {obs.services.map((s) => {
            const h = health(obs.metrics[s.name], firing.get(s.name));
            return (
              <tr key={s.name}>
                <td>{s.name}</td>
                <td>{s.owner}</td>
                <td>{s.depends_on.join(', ') || '—'}</td>
                <td><span aria-hidden="true">{HEALTH_MARK[h].symbol}</span> {HEALTH_MARK[h].word}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}

/** The debrief's timeline: each action with its simulated time and what came of it. */
export function DebriefTimeline({ frames }: { frames: Frame[] }) {
  return (
    <div data-testid="debrief-timeline">
      <h3>Timeline</h3>
      <table>
        <thead><tr><th>step</th><th>time</th><th>action</th><th>result</th></tr></thead>
        <tbody>
          {frames.slice(1).map((f) => (
            <tr key={f.observation.step}>
              <td>{f.observation.step}</td>
              <td>{f.observation.clock ? String(f.observation.clock).slice(11, 16) : '—'}</td>
              <td>{f.action?.action_type}{f.action?.target ? ` ${f.action.target}` : ''}</td>
              <td>{f.observation.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
