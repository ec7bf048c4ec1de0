/**
 * A postmortem's impact names the services the symptoms reached before the faults were stopped:
 * a service the fault would have reached later, had it run on, showed nothing and is not asked for.
 */
import { describe, expect, it } from 'vitest';
import { assessIncidentReport, generatedTask, spreadDepth, type Task } from '../../src/domain/index.js';

function spreadingIncident(): { task: Task; late: string; early: string[] } {
  for (let seed = 0; seed < 400; seed++) {
    const task = generatedTask({ seed, difficulty: 'easy', split: 'train', family: null });
    const g = task.scenario.generated!;
    if (g.faults.length !== 1) continue;
    const hop = (s: string) => g.dynamics.services[s]!.hop ?? 0;
    const f = g.faults[0]!;
    const late = f.affected.find((s) => hop(s) > g.dynamics.initial_depth);
    const early = f.affected.filter((s) => hop(s) <= g.dynamics.initial_depth);
    if (late && early.length && early.length < 3) return { task, late, early };
  }
  throw new Error('no incident whose fault would spread past its initial depth');
}

describe('impact', () => {
  const { task, late, early } = spreadingIncident();
  const f = task.scenario.generated!.faults[0]!;
  const text = (names: string[]) => JSON.stringify({ root_cause: f.root_cause, impact: `Errors and latency on ${names.join(', ')}.` });

  it('asks only for services the symptoms reached before the fault was stopped', () => {
    const early0 = assessIncidentReport(task, text(early), new Set(), spreadDepth(task, 0));
    expect(early0.missing.impact ?? []).toEqual([]);
    expect(early0.parts.impact).toBe(1);
  });

  it('asks for a service the symptoms reached while the fault ran on', () => {
    const later = assessIncidentReport(task, text(early), new Set(), spreadDepth(task, 600));
    expect(later.missing.impact).toContain(late);
    expect(later.parts.impact).toBeLessThan(1);
  });
});
