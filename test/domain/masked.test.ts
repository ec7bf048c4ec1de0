/**
 * Masked faults (expert): a load-dependent fault below the first root shows nothing until the
 * first fault is stopped, then shows in metrics, alerts and new log lines. A responder who
 * closes right after the first fix misses it; one who confirms recovery finds it.
 */
import { describe, expect, it } from 'vitest';
import { generatedTask, observe, reset, state, type Action, type FaultTruth, type Task } from '../../src/domain/index.js';
import { firingAtDetection } from '../../src/domain/dynamics.js';
import { playActions } from '../helpers/step.js';

const maskedTasks: Task[] = [];
for (let seed = 5000; maskedTasks.length < 12 && seed < 5400; seed++) {
  const task = generatedTask({ seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
  if (task.scenario.generated!.faults.some((f) => f.masked_by !== undefined)) maskedTasks.push(task);
}

const play = playActions;

/** A fault's remedy, after the load shedding it needs first when its root is flooded by retries. */
const fixing = (f: FaultTruth): Action[] => [...(f.needs_first ?? []).slice(0, 1), f.fix].map((target) => ({ action_type: 'apply_fix', target }));
const loud = (lines: readonly string[]) => lines.filter((l) => / (WARN|ERROR|FATAL) /.test(l));
/** What a service wrote after detection (a first fault may have reached the masked root before it: a rate limit starving it of traffic). */
const sinceDetection = (task: Task, service: string, lines: readonly string[]) => lines.filter((l) => !task.serviceByName.get(service)!.logs.includes(l));
const sloFiring = (alerts: readonly string[], services: ReadonlySet<string>) =>
  alerts.filter((a) => !a.startsWith('[RESOLVED]') && /error rate|latency/.test(a) && services.has(a.slice(a.indexOf(']') + 2, a.indexOf(':', a.indexOf(']')))));

describe('masked faults', () => {
  it('are drawn on expert incidents, below the first root, from load-dependent families', () => {
    expect(maskedTasks.length).toBe(12);
    for (const task of maskedTasks) {
      const [a, b] = task.scenario.generated!.faults;
      expect(b!.masked_by).toBe(0);
      expect(a!.masked_by).toBeUndefined();
      expect(task.serviceByName.get(a!.root_cause)!.depends_on).toContain(b!.root_cause);
      expect(['connection_pool_exhaustion', 'cpu_throttling', 'autoscaler_misconfiguration', 'thread_pool_exhaustion', 'cache_oom']).toContain(b!.family);
    }
  });

  it('show nothing at detection: no warning or error in the masked root\'s logs, no alert only it explains', () => {
    for (const task of maskedTasks) {
      const g = task.scenario.generated!;
      const b = g.faults[1]!;
      const ep = reset(task, {});
      const obs = observe(task, { ...ep, investigated: [...task.serviceByName.keys()].map((service, i) => ({ service, step: i + 1, minute: 0 })) });
      // (Where the first fault itself reaches the masked root — traffic to it drops behind a rate limit — that is the first fault's line.)
      if (!g.faults[0]!.affected.includes(b.root_cause)) expect(loud(obs.logs[b.root_cause]!)).toEqual([]);
      expect(obs.metrics[b.root_cause]!.error_rate).toBeLessThan(0.05);
      // Every service firing at detection is explained by the first fault (or is a benign alert no fault reaches).
      for (const s of firingAtDetection(task)) expect(g.dynamics.services[s]!.fault === 1 && g.dynamics.services[s]!.also.length === 0).toBe(false);
      // No late line is visible before the first fault is stopped.
      const late = new Set(Object.values(g.dynamics.services).flatMap((d) => (d.late ?? []).map((l) => l.id)));
      expect(late.size).toBeGreaterThan(0);
      for (const lines of Object.values(obs.logs)) for (const l of lines) expect(late.has(l.slice(1, 8))).toBe(false);
    }
  });

  it('show once the first fault is stopped: new log lines on the masked root and its callers, and SLO alerts that outlast the fix', () => {
    for (const task of maskedTasks) {
      const g = task.scenario.generated!;
      const [a, b] = g.faults;
      const reached = new Set(Object.entries(g.dynamics.services).filter(([, d]) => d.fault === 1 || d.also.includes(1)).map(([s]) => s));
      const waits = Array.from({ length: 5 }, (): Action => ({ action_type: 'investigate', target: a!.root_cause }));
      const before = play(task, [{ action_type: 'investigate', target: b!.root_cause }, ...fixing(a!), ...waits]);
      // A log search shows what was written when it ran: the masked root's new lines need a new search.
      expect(loud(sinceDetection(task, b!.root_cause, observe(task, before).logs[b!.root_cause]!))).toEqual([]);
      const ep = play(task, [{ action_type: 'investigate', target: b!.root_cause }, ...fixing(a!), ...waits, { action_type: 'investigate', target: b!.root_cause, view: 'logs' }]);
      const obs = observe(task, ep);
      expect(loud(sinceDetection(task, b!.root_cause, obs.logs[b!.root_cause]!)).length).toBeGreaterThan(0);
      expect(obs.logs_as_of![b!.root_cause]).toBe(ep.minutes);
      // The first root's own log now names the dependency it fails on (by name or address).
      expect(obs.logs[a!.root_cause]!.length).toBeGreaterThan(task.serviceByName.get(a!.root_cause)!.logs.length);
      expect(sloFiring(obs.alerts, reached).length).toBeGreaterThan(0);
      // Late lines are stamped after the fix, in order.
      const stamps = obs.logs[b!.root_cause]!.map((l) => l.slice(9, 29));
      expect([...stamps].sort()).toEqual(stamps);
    }
  });

  it('stay hidden when their own remedy goes in first, and both fixed leaves no SLO alert where they reached', () => {
    for (const task of maskedTasks) {
      const g = task.scenario.generated!;
      const [a, b] = g.faults;
      // Load shed at the edge (for a flooded first root) keeps rejecting requests for a while: that edge's errors are the shedding's.
      const shedding = new Set((a!.needs_first ?? []).slice(0, 1).flatMap((f) => g.dynamics.consequences[f]?.services ?? []));
      const reached = new Set(Object.entries(g.dynamics.services).filter(([s, d]) => d.fault !== null && !shedding.has(s)).map(([s]) => s));
      const waits = Array.from({ length: 6 }, (): Action => ({ action_type: 'investigate', target: a!.root_cause }));
      const ep = play(task, [{ action_type: 'investigate', target: b!.root_cause }, ...fixing(b!), ...waits.slice(0, 3), ...fixing(a!), ...waits]);
      const obs = observe(task, ep);
      expect(loud(sinceDetection(task, b!.root_cause, obs.logs[b!.root_cause]!))).toEqual([]);
      expect(sloFiring(obs.alerts, reached)).toEqual([]);
    }
  });

  it('a responder who closes after the first fix loses about half; one who fixes both keeps the score', () => {
    for (const task of maskedTasks) {
      const [a, b] = task.scenario.generated!.faults;
      const report = (roots: string) => JSON.stringify({ root_cause: roots, mechanism: 'see evidence', impact: 'errors for users', timeline: 'detected, fixed', remediation: 'fixed', prevention: 'alerting' });
      const hasty = play(task, [
        { action_type: 'investigate', target: a!.root_cause },
        { action_type: 'escalate', target: a!.team, details: `Root cause: ${a!.root_cause}.` },
        { action_type: 'apply_fix', target: a!.fix },
        { action_type: 'postmortem', target: '', details: report(a!.root_cause) },
      ]);
      const thorough = play(task, [
        { action_type: 'investigate', target: a!.root_cause },
        { action_type: 'escalate', target: a!.team, details: `Root cause: ${a!.root_cause}.` },
        { action_type: 'apply_fix', target: a!.fix },
        { action_type: 'investigate', target: b!.root_cause },
        { action_type: 'escalate', target: b!.team, details: `Root cause: ${b!.root_cause}.` },
        { action_type: 'apply_fix', target: b!.fix },
        { action_type: 'postmortem', target: '', details: report(`${a!.root_cause} and ${b!.root_cause}`) },
      ]);
      const s1 = state(task, hasty);
      const s2 = state(task, thorough);
      const stage = (s: typeof s1, id: string) => s.rubric.find((r) => r.id === id)!.earned;
      expect(stage(s1, 'localize')).toBeLessThanOrEqual(0.125 + 1e-9);
      expect(stage(s1, 'mitigate')).toBeLessThanOrEqual(0.125 + 1e-9);
      expect(stage(s2, 'localize')).toBeCloseTo(0.25, 6);
      expect(stage(s2, 'mitigate')).toBeGreaterThan(stage(s1, 'mitigate'));
      expect(s2.score).toBeGreaterThan(s1.score + 0.2);
    }
  });
});
