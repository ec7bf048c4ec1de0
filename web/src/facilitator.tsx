/**
 * The facilitator's view of a drill (`/web/#mode=facilitate&drill=<id>&key=<key>`): the ground
 * truth, what the player sees and does as it happens, a box to send the player a hint, and once
 * the episode is over the debrief (the same link shares it).
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchDrill, sendHint, type DrillView } from './api.js';
import { Graph } from './components/Graph.js';
import { Alerts, Explanation, ReferencePath } from './components/Panels.js';

export function Facilitator() {
  const h = new URLSearchParams(location.hash.slice(1));
  const id = h.get('drill') ?? '';
  const key = h.get('key') ?? '';
  const [view, setView] = useState<DrillView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hint, setHint] = useState('');
  const [sent, setSent] = useState<string | null>(null);

  useEffect(() => {
    let stop = false;
    const poll = async () => {
      try {
        const v = await fetchDrill(id, key);
        if (stop) return;
        setView(v);
        setError(null);
        if (v.state.done) return;
      } catch (e) {
        if (!stop) setError((e as Error).message);
      }
      if (!stop) setTimeout(() => void poll(), 1500);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [id, key]);

  async function send() {
    try {
      await sendHint(id, key, hint);
      setSent(`Sent: "${hint}"`);
      setHint('');
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const truth = view?.ground_truth;
  const faults = truth?.faults ?? (truth?.root_cause ? [{ root_cause: truth.root_cause, team: truth.team ?? '', fix: truth.fix ?? '', family: '', mechanism: truth.mechanism ?? '' }] : []);
  return (
    <div class="app">
      <header>
        <h1><span class="badge" aria-hidden="true">!</span> Drill — facilitator view</h1>
      </header>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {!view ? (
        <p class="intro">Loading the drill…</p>
      ) : (
        <main class="grid">
          <section class="panel wide">
            <h2>Ground truth (the player does not see this)</h2>
            <div data-testid="ground-truth">
              {faults.length === 0 ? (
                <p>Nothing is broken: a no-fault control. The right response is to check the alerts, page nobody and change nothing.</p>
              ) : (
                faults.map((f, i) => (
                  <p key={i}>
                    <b>{f.root_cause}</b>{f.family ? ` (${f.family})` : ''}: owner {f.team}, remedy {f.needs_first?.length ? `${f.needs_first[0]} then ` : ''}{f.fix}. {f.mechanism}
                  </p>
                ))
              )}
            </div>
            <p>
              step <b data-testid="drill-step">{view.observation.step}</b> / {view.observation.max_steps}
              {view.exam ? ' · exam: the player sees no rewards until the end' : ''}
              {view.state.done ? <> · over, score <b>{view.state.score.toFixed(2)}</b></> : ''}
            </p>
            <Graph obs={view.observation} roots={faults.map((f) => f.root_cause)} />
          </section>
          <section class="panel">
            <h2>The player's actions</h2>
            <ol class="history" data-testid="player-actions">
              {view.state.history.map((s) => (
                <li key={s.step}>
                  {s.action.action_type}{s.action.target ? ` ${s.action.target}` : ''}
                  {s.action.details ? <div class="details">{s.action.details}</div> : null}
                </li>
              ))}
            </ol>
            <h2>Alerts the player sees</h2>
            <Alerts obs={view.observation} />
          </section>
          <section class="panel">
            {view.state.done ? null : (
              <>
                <h2>Send a hint</h2>
                <label for="hint-text">hint for the player (at most 500 characters)</label>
                <textarea id="hint-text" rows={3} maxLength={500} value={hint} data-testid="hint-text" onInput={(e) => setHint(e.currentTarget.value)} />
                <button class="primary" disabled={!hint.trim()} data-testid="send-hint" onClick={() => void send()}>Send hint</button>
                <p role="status" class="muted">{sent}</p>
              </>
            )}
            <h2>Hints sent</h2>
            <ul class="hints">{view.hints.map((x, i) => <li key={i}><span class="muted">after step {x.step}:</span> {x.text}</li>)}</ul>
          </section>
          {view.state.done ? (
            <section class="panel wide" data-testid="drill-debrief">
              <Explanation state={view.state} />
              <ReferencePath state={view.state} />
            </section>
          ) : null}
        </main>
      )}
    </div>
  );
}
