/** Action controls built from available_actions, with keyboard shortcuts (i, e, f, p, n). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Action, Observation } from '../../../src/domain/schemas.js';
import { targetsOf } from '../model.js';

/** `postmortem` is the App's, so evidence ids clicked elsewhere land in it. */
export function Controls({ obs, disabled, onAct, postmortem, setPostmortem, picked }: { obs: Observation; disabled: boolean; onAct: (a: Action) => void; postmortem: string; setPostmortem: (text: string) => void; picked?: { name: string; n: number } }) {
  const services = targetsOf(obs, 'investigate');
  const teams = targetsOf(obs, 'escalate');
  const fixes = targetsOf(obs, 'apply_fix');
  const [service, setService] = useState(services[0] ?? '');
  // A service picked on the graph becomes the one to investigate, and the Investigate button takes the focus.
  useEffect(() => {
    if (!picked || !services.includes(picked.name)) return;
    setService(picked.name);
    document.querySelector<HTMLButtonElement>('.controls [data-testid="investigate"]')?.focus();
  }, [picked?.n]);
  // Generated incidents: one view (a log search, or the metrics dashboard) takes less time than both.
  const [view, setView] = useState<'' | 'logs' | 'metrics'>('');
  const generated = typeof obs.elapsed_minutes === 'number';
  const [team, setTeam] = useState(teams[0] ?? '');
  const [fix, setFix] = useState(fixes[0] ?? '');
  const [details, setDetails] = useState('');
  const refs = { i: useRef<HTMLSelectElement>(null), e: useRef<HTMLSelectElement>(null), f: useRef<HTMLSelectElement>(null), p: useRef<HTMLTextAreaElement>(null) };
  // The button last used: focus goes back to it once the step is done (disabling it dropped focus to the page).
  const lastUsed = useRef<string | null>(null);
  useEffect(() => {
    if (disabled || !lastUsed.current) return;
    document.querySelector<HTMLButtonElement>(`.controls [data-testid="${lastUsed.current}"]`)?.focus();
  }, [disabled]);
  const act = (id: string, action: Action) => {
    lastUsed.current = id;
    onAct(action);
  };

  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const t = ev.target as HTMLElement;
      // Typing in a field, or type-ahead in a list (`p` picks postgres-db there), is not a shortcut.
      if (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT' || t.tagName === 'SELECT' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === 'n' && !disabled) onAct({ action_type: 'no_op', target: '' });
      const r = refs[ev.key as keyof typeof refs];
      if (r?.current) {
        ev.preventDefault();
        r.current.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [disabled]);

  const describe = (id: string) => (obs.remedy_kinds as Record<string, string> | undefined)?.[id.slice(0, id.indexOf('@'))];
  return (
    <div class="controls">
      <div class="row">
        <label for="ctl-service">investigate <kbd>i</kbd></label>
        <select id="ctl-service" ref={refs.i} value={service} onChange={(e) => setService(e.currentTarget.value)} data-testid="service">
          {services.map((s) => <option key={s} value={s}>{s}{obs.investigated.includes(s) ? ' ✓' : ''}</option>)}
        </select>
        {generated ? (
          <>
            <label for="ctl-view" class="sr-only">what to fetch</label>
            <select id="ctl-view" value={view} onChange={(e) => setView(e.currentTarget.value as typeof view)} data-testid="view">
              <option value="">logs and metrics</option>
              <option value="logs">log search only</option>
              <option value="metrics">metrics only</option>
            </select>
          </>
        ) : null}
        <button disabled={disabled} data-testid="investigate" onClick={() => act('investigate', { action_type: 'investigate', target: service, ...(generated && view ? { view } : {}) })}>Investigate</button>
      </div>
      <div class="row">
        <label for="ctl-team">escalate <kbd>e</kbd></label>
        <select id="ctl-team" ref={refs.e} value={team} onChange={(e) => setTeam(e.currentTarget.value)} data-testid="team">
          {teams.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <button disabled={disabled} data-testid="escalate" onClick={() => act('escalate', { action_type: 'escalate', target: team, ...(details ? { details } : {}) })}>Page team</button>
      </div>
      <div class="row">
        <label for="ctl-fix">apply fix <kbd>f</kbd></label>
        <select id="ctl-fix" ref={refs.f} value={fix} onChange={(e) => setFix(e.currentTarget.value)} data-testid="fix">
          {fixes.map((f) => <option key={f} value={f} title={describe(f)}>{f}</option>)}
        </select>
        <button disabled={disabled} data-testid="apply" onClick={() => act('apply', { action_type: 'apply_fix', target: fix, ...(details ? { details } : {}) })}>Apply</button>
      </div>
      <div class="row">
        {/* The grader reads this text as a root-cause statement: a page or fix without one loses diagnosis credit. */}
        <label for="ctl-details">root-cause statement (sent with a page or fix, and graded)</label>
        <input id="ctl-details" value={details} aria-describedby="ctl-details-hint" placeholder="Root cause: <service> — what you saw" onInput={(e) => setDetails(e.currentTarget.value)} data-testid="details" />
        <small id="ctl-details-hint" class="hint">Name the service you believe is the root cause and the evidence; your first statement is final.</small>
      </div>
      <div class="row col">
        <label for="ctl-postmortem">postmortem <kbd>p</kbd></label>
        <textarea id="ctl-postmortem" ref={refs.p} rows={4} value={postmortem} placeholder="Root cause, mechanism, impact, timeline, remediation, prevention; cite evidence ids like ev-1a2b" onInput={(e) => setPostmortem(e.currentTarget.value)} data-testid="postmortem" />
        <div class="row">
          <button disabled={disabled || !postmortem.trim()} data-testid="submit-postmortem" onClick={() => act('submit-postmortem', { action_type: 'postmortem', target: '', details: postmortem })}>Submit postmortem</button>
          <button disabled={disabled} class="ghost" data-testid="noop" onClick={() => act('noop', { action_type: 'no_op', target: '' })}>Wait (no_op) <kbd>n</kbd></button>
        </div>
      </div>
    </div>
  );
}
