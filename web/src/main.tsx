/** The web console: play an incident, watch an agent play it, or replay recorded runs. */
import { render } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { randomAgent } from '../../src/agents/baselines.js';
import { createRulePolicy } from '../../src/agents/rule.js';
import { runEpisode } from '../../src/agents/run.js';
import type { Policy } from '../../src/agents/types.js';
import type { Action } from '../../src/domain/schemas.js';
import { fetchHints, fetchTasks, startDrill, startSession, state as fetchState, step as sendStep, type IncidentParams, type TaskList } from './api.js';
import { Facilitator } from './facilitator.js';
import { IncidentView } from './components/IncidentView.js';
import { Setup, type Mode } from './components/Setup.js';
import { rootsOf, type Frame } from './model.js';
import { parseTrajectories, rebuild, type RecordedEpisode } from './replay.js';
import { forgetPlay, loadPlay, savePlay } from './saved.js';
import { EMPTY, episodeReducer } from './episode-state.js';
import './style.css';

const DEFAULTS: IncidentParams = { task_id: 'task_easy', seed: 42, difficulty: 'medium', split: 'train', family: '' };

/** Shareable URLs: the hash carries the incident and the mode. */
function readHash(): { params: IncidentParams; mode: Mode; agent: string; speed: number } {
  const h = new URLSearchParams(location.hash.slice(1));
  const mode = (['play', 'watch', 'replay'] as const).find((m) => m === h.get('mode')) ?? 'play';
  return {
    params: {
      task_id: h.get('task') ?? DEFAULTS.task_id,
      seed: Number(h.get('seed') ?? DEFAULTS.seed) || 0,
      difficulty: h.get('difficulty') ?? DEFAULTS.difficulty,
      split: h.get('split') ?? DEFAULTS.split,
      family: h.get('family') ?? '',
    },
    mode,
    agent: h.get('agent') ?? 'rule',
    speed: Number(h.get('speed') ?? 600) || 600,
  };
}

function writeHash(p: IncidentParams, mode: Mode, agent: string, speed: number) {
  const h = new URLSearchParams({ mode, task: p.task_id });
  if (p.task_id === 'generated') {
    h.set('seed', String(p.seed));
    h.set('difficulty', p.difficulty);
    h.set('split', p.split);
    if (p.family) h.set('family', p.family);
  }
  if (mode === 'watch') {
    h.set('agent', agent);
    h.set('speed', String(speed));
  }
  history.replaceState(null, '', `#${h.toString()}`);
}

const sameIncident = (a: IncidentParams, b: IncidentParams) =>
  a.task_id === b.task_id && (a.task_id !== 'generated' || (a.seed === b.seed && a.difficulty === b.difficulty && a.split === b.split && (a.family || '') === (b.family || '')));

/** What went wrong, in words a person can act on. */
function friendly(e: Error): string {
  if (e instanceof TypeError || /failed to fetch|networkerror|load failed/i.test(e.message)) {
    return 'The server did not answer (is it running?). Your actions are kept in this browser: reload once it is back and the incident resumes where you left it.';
  }
  return e.message;
}

function newPolicy(agent: string, seed: number): Policy {
  return agent === 'random' ? randomAgent.create({ seed }) : createRulePolicy();
}

/**
 * Watch mode's pace: each step waits for the speed control; paused, it waits for a single step; a
 * new watch (or a reset) makes the old one's token stale, and it stops.
 */
function usePacing(speed: number) {
  const watchToken = useRef(0);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  const stepOnce = useRef(false);
  const beforeStep = async (token: number) => {
    await new Promise((r) => setTimeout(r, speedRef.current));
    while (pausedRef.current && !stepOnce.current) {
      await new Promise((r) => setTimeout(r, 50));
      if (token !== watchToken.current) return false;
    }
    stepOnce.current = false;
    return token === watchToken.current;
  };
  return { watchToken, paused, setPaused, stepOnce, beforeStep };
}

function App() {
  const initial = readHash();
  const [tasks, setTasks] = useState<TaskList | null>(null);
  const [params, setParams] = useState(initial.params);
  const [mode, setMode] = useState<Mode>(initial.mode);
  const [agent, setAgent] = useState(initial.agent);
  const [speed, setSpeed] = useState(initial.speed);
  const [view, dispatch] = useReducer(episodeReducer, EMPTY);
  const { frames, cursor, session, final, busy, error, recorded, notice, drill } = view;
  const setError = (message: string | null) => dispatch({ type: 'error', message });
  // A drill: a facilitator watches through their own link; in exam mode rewards stay hidden until the end.
  const [drillOn, setDrillOn] = useState(false);
  const pacing = usePacing(speed);
  const { watchToken, paused, setPaused, stepOnce } = pacing;

  useEffect(() => {
    fetchTasks().then(setTasks, (e: Error) => setError(friendly(e)));
    // A reload (or a server restart) loses nothing: the saved actions rebuild the same episode.
    const saved = loadPlay();
    if (initial.mode === 'play' && saved && saved.steps.length && sameIncident(saved.params, initial.params)) void resume();
  }, []);
  useEffect(() => writeHash(params, mode, agent, speed), [params, mode, agent, speed]);

  const reset = () => {
    watchToken.current++;
    dispatch({ type: 'reset' });
  };

  /** Replays the saved actions in a new session: the same episode, whatever happened to the old one. */
  async function resume(): Promise<{ id: string; frames: Frame[] } | null> {
    const saved = loadPlay();
    if (!saved) return null;
    try {
      const r = await rebuild({ spec: { ...saved.params, family: saved.params.family || null }, agent: 'human', steps: saved.steps, score: 0 });
      dispatch({ type: 'resumed', session: r.session, frames: r.frames, final: r.frames[r.frames.length - 1]?.done ? r.final : null, notice: `Resumed your incident: ${saved.steps.length} action(s) replayed in a new session.` });
      return { id: r.session, frames: r.frames };
    } catch (e) {
      setError(`could not resume your saved incident: ${friendly(e as Error)}`);
      return null;
    }
  }

  async function start(): Promise<{ id: string; frames: Frame[] } | null> {
    reset();
    if (mode === 'play') forgetPlay();
    try {
      const drilled = mode === 'play' && drillOn ? await startDrill(params, true) : null;
      const s = drilled ?? (await startSession(params));
      const first: Frame[] = [{ observation: s.observation, action: null, reward: null, reason: '', done: false, score: null }];
      dispatch({ type: 'started', session: s.id, frames: first, drill: drilled ? { key: drilled.key, exam: true } : null });
      if (mode === 'play') savePlay(params, first);
      return { id: s.id, frames: first };
    } catch (e) {
      setError(friendly(e as Error));
      return null;
    }
  }

  async function act(sessionId: string, action: Action, acc: Frame[]): Promise<Frame[]> {
    const r = await sendStep(sessionId, action);
    const next = [...acc, { observation: r.observation, action, reward: r.reward.value, reason: r.reward.reason, done: r.done, score: r.info.score }];
    dispatch({ type: 'stepped', frames: next });
    if (r.done) dispatch({ type: 'finished', final: await fetchState(sessionId) });
    return next;
  }

  async function onAct(action: Action) {
    if (!session || busy) return;
    dispatch({ type: 'busy', busy: true });
    try {
      savePlay(params, await act(session, action, frames));
    } catch (e) {
      const message = (e as Error).message;
      if (/call reset first|no episode/i.test(message)) {
        // The server lost the session (a restart): rebuild it from the saved actions, then act again.
        const resumed = await resume();
        if (resumed) {
          try {
            savePlay(params, await act(resumed.id, action, resumed.frames));
          } catch (again) {
            setError(friendly(again as Error));
          }
        }
      } else setError(friendly(e as Error));
    } finally {
      dispatch({ type: 'busy', busy: false });
    }
  }

  async function watch() {
    const started = await start();
    if (!started) return;
    const { id } = started;
    let acc = started.frames;
    const token = ++watchToken.current;
    const policy = newPolicy(agent, params.seed);
    // The server is the environment; each step also lands in the console's frames.
    const env = {
      async step(action: Action) {
        acc = await act(id, action, acc);
        const last = acc[acc.length - 1]!;
        return { observation: last.observation, reward: last.reward ?? null, reason: last.reason ?? null, done: last.done };
      },
    };
    const beforeStep = () => pacing.beforeStep(token);
    try {
      await runEpisode(env, policy, acc[0]!.observation, { beforeStep });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  // Replay: the arrow keys step backwards and forwards.
  useEffect(() => {
    if (mode !== 'replay') return;
    const onKey = (ev: KeyboardEvent) => {
      if ((ev.target as HTMLElement).tagName === 'INPUT' || (ev.target as HTMLElement).tagName === 'SELECT') return;
      if (ev.key === 'ArrowLeft') dispatch({ type: 'move', by: -1 });
      if (ev.key === 'ArrowRight') dispatch({ type: 'move', by: 1 });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [mode, frames.length]);

  async function loadFile(file: File) {
    reset();
    try {
      const eps = parseTrajectories(await file.text());
      dispatch({ type: 'recorded', episodes: eps });
      if (eps[0]) await showRecorded(eps[0]);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function showRecorded(t: RecordedEpisode) {
    try {
      const r = await rebuild(t);
      dispatch({ type: 'replayed', frames: r.frames, final: r.final });
      if (r.mismatches) setError(`${r.mismatches} recorded reward(s) differ from this server's environment`);
    } catch (e) {
      setError(`could not replay the episode on this server: ${(e as Error).message}`);
    }
  }

  // The player's hints arrive while the drill runs.
  useEffect(() => {
    if (!drill || !session || final) return;
    const timer = setInterval(() => {
      fetchHints(session).then((r) => dispatch({ type: 'hints', hints: r.hints }), () => undefined);
    }, 2000);
    return () => clearInterval(timer);
  }, [drill, session, final]);

  const shown = mode === 'replay' ? frames.slice(0, cursor + 1) : frames;
  const current = shown[shown.length - 1];
  const over = !!final && (mode !== 'replay' || cursor === frames.length - 1);
  const roots = over ? rootsOf(final) : [];
  const score = mode === 'replay' ? current?.score : frames[frames.length - 1]?.score;
  /** Exam: no per-step reward, reason or score until the episode is over. */
  const hidden = !!drill?.exam && !final;

  return (
    <div class="app">
      <header>
        <h1><span class="badge" aria-hidden="true">!</span> Incident Response Console</h1>
        <nav class="modes" aria-label="console mode">
          {(['play', 'watch', 'replay'] as const).map((m) => (
            <button key={m} class={mode === m ? 'active' : ''} aria-pressed={mode === m} data-testid={`mode-${m}`} onClick={() => { setMode(m); reset(); }}>{m}</button>
          ))}
        </nav>
        {/* The active mode, announced when it changes. */}
        <p class="visually-hidden" role="status" data-testid="mode-announcement">{MODE_SUMMARY[mode]}</p>
      </header>

      <Setup
        mode={mode} params={params} setParams={setParams} tasks={tasks} agent={agent} setAgent={setAgent} speed={speed} setSpeed={setSpeed}
        drillOn={drillOn} setDrillOn={setDrillOn} paused={paused} setPaused={setPaused} stepOnce={stepOnce} running={!!frames.length && !final}
        start={() => void start()} watch={() => { setPaused(false); void watch(); }}
        recorded={recorded} loadFile={(f) => void loadFile(f)} showRecorded={(t) => void showRecorded(t)} cursor={cursor} frameCount={frames.length} moveCursor={(to) => dispatch({ type: 'cursor', to })}
      />

      {error ? <p class="error" role="alert">{error}</p> : null}
      {drill && session ? (
        <p class="notice drill-link">
          <label>facilitator link (give it to whoever runs the drill; it shows the answer)
            <input readOnly data-testid="facilitator-link" value={`${location.origin}/web/#mode=facilitate&drill=${session}&key=${drill.key}`} onFocus={(e) => e.currentTarget.select()} />
          </label>
        </p>
      ) : null}
      {notice ? <p class="notice" role="status" data-testid="notice">{notice}</p> : null}

      {current ? (
        <IncidentView
          view={view} dispatch={dispatch} mode={mode} params={params} shown={shown} current={current} score={score} hidden={hidden} over={over} roots={roots}
          onAct={(a) => void onAct(a)}
        />
      ) : (
        <p class="intro">
          Choose an incident and press <b>Start incident</b> to play it, switch to <b>watch</b> to see an agent play, or to <b>replay</b> to open a
          <code> trajectories.jsonl</code> from <code>incident-env eval</code>. Keyboard: <kbd>i</kbd> investigate, <kbd>e</kbd> escalate, <kbd>f</kbd> fix, <kbd>p</kbd> postmortem, <kbd>n</kbd> wait.
        </p>
      )}
    </div>
  );
}

const MODE_SUMMARY: Record<'play' | 'watch' | 'replay', string> = {
  play: 'Play mode: you are the responder. Start an incident, then investigate, page, fix and write the postmortem.',
  watch: 'Watch mode: an agent plays the incident; pause it and step one action at a time.',
  replay: 'Replay mode: open a trajectories file and step through a recorded episode with the arrow keys.',
};

render(new URLSearchParams(location.hash.slice(1)).get('mode') === 'facilitate' ? <Facilitator /> : <App />, document.getElementById('app')!);
