/** Read-only panels: alerts, evidence (logs and metrics), history, and the grader's explanation. */
import type { Observation, State } from '../../../src/domain/schemas.js';
import { severityOf, type Frame } from '../model.js';
import { Sparkline } from './Charts.js';

export function Alerts({ obs }: { obs: Observation }) {
  return (
    <ul class="alerts" data-testid="alerts">
      {obs.alerts.map((a, i) => <li key={i} class={`alert ${severityOf(a)}`}>{a}</li>)}
    </ul>
  );
}

export function Evidence({ frames }: { frames: Frame[] }) {
  const obs = frames[frames.length - 1]!.observation;
  if (obs.investigated.length === 0) return <p class="muted">Investigate a service to see its logs and detailed metrics.</p>;
  return (
    <div class="evidence">
      {[...obs.investigated].reverse().map((s) => (
        <details key={s} open={s === obs.investigated[obs.investigated.length - 1]}>
          <summary>
            {s} <span class="muted">error rate</span> <Sparkline values={frames.map((f) => f.observation.metrics[s]?.error_rate ?? 0)} />
            {(obs.metric_evidence as Record<string, string> | undefined)?.[s] ? <span class="ev">{(obs.metric_evidence as Record<string, string>)[s]}</span> : null}
          </summary>
          <table class="metrics">
            <tbody>
              {Object.entries(obs.metrics[s] ?? {}).map(([k, v]) => (
                <tr key={k}><td>{k}</td><td>{v}</td></tr>
              ))}
            </tbody>
          </table>
          {/* Focusable, so a keyboard can scroll a long log. */}
          <pre class="logs" tabIndex={0} aria-label={`logs of ${s}`}>{(obs.logs[s] ?? []).join('\n')}</pre>
        </details>
      ))}
    </div>
  );
}

export function History({ frames }: { frames: Frame[] }) {
  return (
    <ol class="history" data-testid="history">
      {frames.slice(1).map((f, i) => (
        <li key={i}>
          <span class="act">{f.action?.action_type}{f.action?.target ? ` ${f.action.target}` : ''}</span>
          <span class={`reward ${(f.reward ?? 0) < 0 ? 'neg' : 'pos'}`}>{(f.reward ?? 0) >= 0 ? '+' : ''}{(f.reward ?? 0).toFixed(2)}</span>
          <span class="muted"> {f.reason}</span>
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
