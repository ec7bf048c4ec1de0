/**
 * Investigation views (generated incidents): a log search or a metrics dashboard, each for its
 * own time; without a view, both for the time of both. Searches are snapshots; dashboards stay live.
 */
import { describe, expect, it } from 'vitest';
import { generatedTask, findTask, observe, reset, retrievedEvidence, step, type Action } from '../../src/domain/index.js';
import { logSearchMinutes, METRICS_VIEW_MINUTES } from '../../src/domain/generator/generate.js';
import { act, playActions } from '../helpers/step.js';

const task = generatedTask({ seed: 4242, difficulty: 'hard', split: 'train', family: null });
const root = task.scenario.generated!.faults[0]!.root_cause;
const deps = task.serviceByName.get(root)!.depends_on.length;
const detailKeys = (name: string) => Object.keys(observe(task, playActions(task, [{ action_type: 'investigate', target: name }])).metrics[name]!);

describe('investigation views', () => {
  it('a log search fetches logs only, for the time of a search', () => {
    const ep0 = reset(task, {});
    const o = act(task, ep0, { action_type: 'investigate', target: root, view: 'logs' });
    const obs = o.result.observation;
    expect(o.episode.minutes).toBe(logSearchMinutes(deps));
    expect(obs.logs[root]!.length).toBeGreaterThan(0);
    expect(obs.logs_as_of![root]).toBe(o.episode.minutes);
    expect(obs.metric_evidence![root]).toBeUndefined();
    // Only the top-level metrics every service shows: fewer keys than a full look's.
    expect(Object.keys(obs.metrics[root]!).length).toBeLessThan(detailKeys(root).length);
    expect(obs.investigated).toEqual([root]);
  });

  it('a dashboard fetches detailed metrics only, and stays open', () => {
    const o = act(task, reset(task, {}), { action_type: 'investigate', target: root, view: 'metrics' });
    const obs = o.result.observation;
    expect(o.episode.minutes).toBe(METRICS_VIEW_MINUTES);
    expect(obs.logs[root]).toBeUndefined();
    expect(Object.keys(obs.metrics[root]!).sort()).toEqual(detailKeys(root).sort());
    expect(obs.metric_evidence![root]).toBe(task.metricEvidence.get(root));
  });

  it('no view fetches both for the time of both; each new view pays the same small reward, a repeat nothing', () => {
    const full = act(task, reset(task, {}), { action_type: 'investigate', target: root });
    expect(full.episode.minutes).toBe(logSearchMinutes(deps) + METRICS_VIEW_MINUTES);
    const logs = act(task, reset(task, {}), { action_type: 'investigate', target: root, view: 'logs' });
    const metrics = act(task, logs.episode, { action_type: 'investigate', target: root, view: 'metrics' });
    const again = act(task, metrics.episode, { action_type: 'investigate', target: root, view: 'metrics' });
    expect(logs.result.reward.value).toBe(full.result.reward.value);
    expect(metrics.result.reward.value).toBe(full.result.reward.value);
    expect(again.result.reward.value).toBe(0);
    expect(again.result.observation.message).toMatch(/already open/);
  });

  it('a search repeated later says how many lines are new since the last one', () => {
    const first = act(task, reset(task, {}), { action_type: 'investigate', target: root, view: 'logs' });
    const again = act(task, first.episode, { action_type: 'investigate', target: root, view: 'logs' });
    expect(again.result.observation.message).toMatch(new RegExp(`new lines? since minute ${first.episode.minutes}`));
    expect(again.result.observation.logs_as_of![root]).toBe(again.episode.minutes);
  });

  it('counts the lines the last search did not show, however many the search holds', () => {
    let checked = 0;
    for (let seed = 0; seed < 10; seed++) {
      const t = generatedTask({ seed: 60_500 + seed, difficulty: 'easy', split: 'train', family: 'bad_deploy' });
      const r = t.scenario.generated!.faults[0]!.root_cause;
      const search = { action_type: 'investigate' as const, target: r, view: 'logs' as const };
      // Searches far enough apart that the latest occurrences of the failure have all been written since.
      let ep = act(t, reset(t, {}), search).episode;
      const before = new Set(observe(t, ep).logs[r]!);
      for (let i = 0; i < 6; i++) ep = act(t, ep, { action_type: 'investigate', target: [...t.serviceByName.keys()].find((s) => s !== r)!, view: 'metrics' }).episode;
      const again = act(t, ep, search);
      const fresh = again.result.observation.logs[r]!.filter((l) => !before.has(l)).length;
      expect(fresh).toBeGreaterThan(0);
      expect(again.result.observation.message).toContain(`${fresh} new line${fresh === 1 ? '' : 's'} since minute`);
      checked++;
    }
    expect(checked).toBe(10);
  });

  it('only what was fetched counts as retrieved evidence', () => {
    const ep = playActions(task, [{ action_type: 'investigate', target: root, view: 'metrics' }]);
    const seen = retrievedEvidence(task, ep, ep.step + 1);
    expect([...seen]).toEqual([task.metricEvidence.get(root)]);
    const both = playActions(task, [{ action_type: 'investigate', target: root, view: 'metrics' }, { action_type: 'investigate', target: root, view: 'logs' }]);
    expect(retrievedEvidence(task, both, both.step + 1).size).toBeGreaterThan(1);
  });

  it('a view anywhere else is refused and changes nothing', () => {
    const seed = findTask('task_easy')!;
    const bad: [typeof task, Action][] = [
      [seed, { action_type: 'investigate', target: [...seed.serviceByName.keys()][0]!, view: 'logs' }],
      [task, { action_type: 'escalate', target: task.serviceByName.get(root)!.owner, view: 'metrics' }],
    ];
    for (const [t, a] of bad) {
      const o = step(t, reset(t, {}), a);
      expect(o.ok).toBe(false);
      if (!o.ok) expect(o.error.field).toBe('view');
    }
  });
});
