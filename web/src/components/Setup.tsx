/** The setup bar: the incident, and per mode what starts it (play, an agent to watch, a file to replay). */
import type { MutableRef } from 'preact/hooks';
import type { IncidentParams, TaskList } from '../api.js';
import type { RecordedEpisode } from '../replay.js';

export type Mode = 'play' | 'watch' | 'replay';

export interface SetupProps {
  mode: Mode;
  params: IncidentParams;
  setParams: (p: IncidentParams) => void;
  tasks: TaskList | null;
  agent: string;
  setAgent: (a: string) => void;
  speed: number;
  setSpeed: (s: number) => void;
  drillOn: boolean;
  setDrillOn: (on: boolean) => void;
  paused: boolean;
  setPaused: (p: boolean) => void;
  stepOnce: MutableRef<boolean>;
  /** Whether an episode is running (watch mode's pause and step show then). */
  running: boolean;
  start: () => void;
  watch: () => void;
  recorded: RecordedEpisode[];
  loadFile: (f: File) => void;
  showRecorded: (t: RecordedEpisode) => void;
  cursor: number;
  frameCount: number;
  moveCursor: (to: number) => void;
}

/** A labelled list of `[value, text]` options. */
function Choice({ label, value, options, onChange }: { label: string; value: string; options: [string, string][]; onChange: (v: string) => void }) {
  return (
    <label>{label}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );
}

export function Setup({ mode, params, setParams, tasks, agent, setAgent, speed, setSpeed, drillOn, setDrillOn, paused, setPaused, stepOnce, running, start, watch, recorded, loadFile, showRecorded, cursor, frameCount, moveCursor }: SetupProps) {
  return (
    <section class="setup">
      {mode !== 'replay' ? (
        <>
          <label>task
            <select value={params.task_id} data-testid="task" onChange={(e) => setParams({ ...params, task_id: e.currentTarget.value })}>
              {(tasks?.tasks ?? [{ id: 'task_easy', title: 'task_easy' }]).map((t) => <option key={t.id} value={t.id}>{t.id} — {t.title}</option>)}
            </select>
          </label>
          {params.task_id === 'generated' ? (
            <>
              <label>seed <input type="number" min={0} value={params.seed} data-testid="seed" onInput={(e) => setParams({ ...params, seed: Number(e.currentTarget.value) || 0 })} /></label>
              <Choice label="difficulty" value={params.difficulty} options={(tasks?.difficulties ?? []).map((d) => [d.id, d.id])} onChange={(difficulty) => setParams({ ...params, difficulty })} />
              <Choice label="family" value={params.family} options={[['', 'any'], ...(tasks?.families ?? []).map((f): [string, string] => [f.id, f.id])]} onChange={(family) => setParams({ ...params, family })} />
              <Choice label="split" value={params.split} options={[['train', 'train'], ['test', 'test']]} onChange={(split) => setParams({ ...params, split })} />
            </>
          ) : null}
          {mode === 'watch' ? (
            <>
              <label>agent
                <select value={agent} data-testid="agent" onChange={(e) => setAgent(e.currentTarget.value)}>
                  <option value="rule">rule</option>
                  <option value="random">random</option>
                </select>
              </label>
              <label>speed <input type="range" min={50} max={2000} step={50} value={2050 - speed} onInput={(e) => setSpeed(2050 - Number(e.currentTarget.value))} /></label>
              <button class="primary" data-testid="watch" onClick={watch}>Watch</button>
              {running ? (
                <>
                  <button data-testid="pause" aria-pressed={paused} onClick={() => setPaused(!paused)}>{paused ? 'Resume' : 'Pause'}</button>
                  <button data-testid="single-step" disabled={!paused} onClick={() => { stepOnce.current = true; }}>Step</button>
                </>
              ) : null}
            </>
          ) : (
            <>
              {mode === 'play' ? (
                <label class="check"><input type="checkbox" checked={drillOn} data-testid="drill" onChange={(e) => setDrillOn(e.currentTarget.checked)} /> exam drill (a facilitator watches; rewards hidden until the end)</label>
              ) : null}
              <button class="primary" data-testid="start" onClick={start}>Start incident</button>
            </>
          )}
        </>
      ) : (
        <>
          <label>trajectories.jsonl <input type="file" accept=".jsonl,.json,application/json" data-testid="file" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) loadFile(f); }} /></label>
          {recorded.length > 1 ? (
            <label>episode
              <select data-testid="episode" onChange={(e) => showRecorded(recorded[Number(e.currentTarget.value)]!)}>
                {recorded.map((t, i) => <option key={i} value={i}>{i + 1}. {t.spec.task_id} seed {t.spec.seed} ({t.agent}, {t.score})</option>)}
              </select>
            </label>
          ) : null}
          {frameCount ? (
            <span class="stepper">
              <button data-testid="back" disabled={cursor === 0} onClick={() => moveCursor(cursor - 1)}>◀</button>
              <span data-testid="cursor">step {cursor} / {frameCount - 1}</span>
              <button data-testid="forward" disabled={cursor >= frameCount - 1} onClick={() => moveCursor(cursor + 1)}>▶</button>
            </span>
          ) : null}
        </>
      )}
    </section>
  );
}
