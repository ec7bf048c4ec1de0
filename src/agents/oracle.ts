/**
 * The oracle reads the ground truth and acts minimally: investigate the root cause, page its
 * owner, apply the remedy, write a complete postmortem citing what it saw. In-process only.
 */
import { conceptCoverage, normalize } from '../domain/text.js';
import { firingAtDetection } from '../domain/dynamics.js';
import { seedScenario, type Action, type ConceptGroups, type FaultTruth, type Observation, type Task } from '../domain/index.js';
import type { AgentSpec } from './types.js';

const firstOf = (groups: ConceptGroups) => groups.map((g) => g[0]!).join(', ');

function seedPlan(task: Task): Action[] {
  const s = seedScenario(task);
  const t = s.truth;
  const investigate = s.rubric.flatMap((r) => (r.kind === 'investigate' ? [r.service] : []));
  if (!investigate.includes(t.root_cause)) investigate.push(t.root_cause);
  const pm = s.postmortem;
  const text =
    `Root cause: ${t.root_cause}. ${t.mechanism} ` +
    `The mechanism involved ${firstOf(pm.mechanism)}. Impact: ${firstOf(pm.impact)} for users. ` +
    `Remediation: we applied ${t.fix} (${firstOf(pm.remediation)}). Prevention: ${firstOf(pm.prevention)} so that this is caught early.`;
  return [
    ...investigate.map((service): Action => ({ action_type: 'investigate', target: service })),
    { action_type: 'escalate', target: t.team, details: `Root cause: ${t.root_cause}.` },
    { action_type: 'apply_fix', target: t.fix },
    ...(s.rubric.some((r) => r.kind === 'postmortem') ? [{ action_type: 'postmortem', target: '', details: text } as Action] : []),
  ];
}

function describeFault(f: FaultTruth): string {
  // Make sure every concept the checklist looks for is stated, in the fault's own words first.
  const missing = (text: string, groups: ConceptGroups) => groups.filter((g) => conceptCoverage(normalize(text), [g]) === 0).map((g) => g[0]!);
  const mech = missing(f.mechanism, f.concepts.mechanism);
  return mech.length ? `${f.mechanism} In short: ${mech.join(', ')}.` : f.mechanism;
}

function generatedReport(task: Task, obs: Observation): string {
  const g = task.scenario.generated!;
  const roots = g.faults.map((f) => f.root_cause);
  const cite = roots.flatMap((r) => (obs.logs[r] ?? []).filter((l) => / (ERROR|FATAL|WARN) /.test(l)).slice(0, 2).map((l) => l.slice(1, 8)));
  const clock = String(obs.clock ?? '');
  if (g.faults.length === 0) {
    return JSON.stringify({
      root_cause: 'No root cause: no fault was found; every alert was benign and expected.',
      mechanism: 'No fault. The alerts came from a scheduled job and a flapping check; nothing was broken.',
      impact: 'No impact on users: no user impact was observed.',
      timeline: `Alerts reviewed at ${clock.slice(11, 16)}; closed as a false alarm at ${clock.slice(11, 16)}.`,
      remediation: 'No action needed: this was a false alarm and nothing was changed.',
      prevention: 'Tune the alert thresholds and add a runbook note for the scheduled job.',
    });
  }
  return JSON.stringify({
    root_cause: `${roots.join(' and ')}`,
    mechanism: g.faults.map(describeFault).join(' '),
    trigger: g.faults.map((f) => `The trigger was ${f.trigger}`).join(' '),
    impact: `The incident affected ${g.faults.flatMap((f) => f.affected.slice(0, 3)).join(', ')} with errors and latency for users.`,
    timeline: `Detected at ${g.dynamics.detected_at.slice(11, 16)}; the fix was in by ${clock.slice(11, 16)} and the metrics recovered after that.`,
    remediation: g.faults.map((f) => (f.needs_first?.length ? `We shed load at the edge with ${f.needs_first[0]}, then applied ${f.fix}.` : `We applied ${f.fix}.`)).join(' '),
    prevention: 'Add alerting on this failure mode, a runbook, and a guard in review so that it cannot recur.',
    evidence: cite,
  });
}

function generatedPlan(task: Task): Action[] {
  const g = task.scenario.generated!;
  if (g.faults.length === 0) {
    const alerting = firingAtDetection(task);
    return (alerting.length ? alerting : [[...task.serviceByName.keys()][0]!]).map((s): Action => ({ action_type: 'investigate', target: s }));
  }
  return g.faults.flatMap((f): Action[] => [
    { action_type: 'investigate', target: f.root_cause },
    { action_type: 'escalate', target: f.team, details: `Root cause: ${f.root_cause}.` },
    // A root flooded by retries takes its remedy only once load is shed at the edge.
    ...(f.needs_first?.length ? [{ action_type: 'apply_fix', target: f.needs_first[0]! } as Action] : []),
    { action_type: 'apply_fix', target: f.fix },
  ]);
}

export const oracleAgent: AgentSpec = {
  name: 'oracle',
  description: 'Reads the ground truth and acts minimally (in-process only)',
  needsTruth: true,
  create({ task }) {
    if (!task) throw new Error('the oracle agent runs in-process only: it reads the ground truth');
    const plan = task.scenario.generated ? generatedPlan(task) : seedPlan(task);
    let i = 0;
    return {
      act(obs) {
        const next = plan[i++];
        if (next) return next;
        if (task.scenario.generated) return { action_type: 'postmortem', target: '', details: generatedReport(task, obs) };
        return { action_type: 'no_op', target: '' };
      },
    };
  },
};
