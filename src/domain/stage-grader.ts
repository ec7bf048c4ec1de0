/**
 * Stage grading for generated incidents: localize, diagnose, escalate, mitigate, postmortem and
 * efficiency, each scored in [0, 1] and explained. Blind or harmful actions lower the stage they
 * belong to; the final score is the weighted sum, strictly inside (0, 1).
 */
import { investigationOf, type Episode } from './episode.js';
import { assessIncidentReport, round, type IncidentReportAssessment } from './postmortem.js';
import type { Task } from './scenario.js';
import type { RubricItemResult } from './schemas.js';
import { claimedRootCauses, conceptCoverage, normalize } from './text.js';
import { postmortemClaims } from './postmortem.js';

export const STAGE_WEIGHTS = { localize: 0.25, diagnose: 0.15, escalate: 0.15, mitigate: 0.25, postmortem: 0.1, efficiency: 0.1 } as const;
export type Stage = keyof typeof STAGE_WEIGHTS;

const STAGE_TEXT: Record<Stage, string> = {
  localize: 'Investigate the root cause and name it (only it) as the cause',
  diagnose: 'State the failure mechanism',
  escalate: 'Page the owning team after finding evidence, and nobody else',
  mitigate: 'Apply the right remediation after finding evidence, with no harmful changes',
  postmortem: 'Postmortem: root cause, mechanism, trigger, impact, timeline, remediation, prevention, cited evidence',
  efficiency: 'Time to mitigate against a reference responder',
};
export const STAGE_DESCRIPTIONS = STAGE_TEXT;

/** Localization credit for having looked at the root cause without naming it. */
export const INVESTIGATED_ONLY = 0.1;
/** Credit for paging the right team, or applying the right fix, without having looked at the root cause. */
export const BLIND_CREDIT = 0.25;
export const OVER_PAGE_COST = 0.25;
export const HARMFUL_FIX_COST = 0.3;
export const BLAST_RADIUS_COST = 0.1;

export interface StageReport {
  score: number;
  raw: number;
  items: RubricItemResult[];
  penalties: { step: number; points: number; reason: string }[];
  stages: Record<Stage, number>;
  settled: boolean;
  success: boolean;
  report: IncidentReportAssessment | null;
}

/** Evidence ids the agent had seen by the given step. */
export function retrievedEvidence(task: Task, ep: Episode, beforeStep: number): Set<string> {
  const seen = new Set<string>();
  for (const inv of ep.investigated) {
    if (inv.step >= beforeStep) continue;
    for (const [id, where] of task.evidence) if (where.service === inv.service) seen.add(id);
  }
  return seen;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Full credit for the right page or fix made after looking at the root cause; little for a blind one. */
function evidenceCredit(ep: Episode, root: string, attempts: readonly { step: number }[]): number {
  if (attempts.length === 0) return 0;
  const seen = investigationOf(ep, root);
  return seen && attempts.some((a) => seen.step < a.step) ? 1 : BLIND_CREDIT;
}
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function gradeStages(task: Task, ep: Episode): StageReport {
  const g = task.scenario.generated!;
  const faults = g.faults;
  const control = faults.length === 0;
  const reveal = ep.done;
  const services = [...task.serviceByName.keys()];
  const investigatedAny = ep.investigated.length > 0;
  // In a no-fault episode, restraint earns credit only once every alerting service was checked.
  const alerting = [...task.serviceByName.keys()].filter((name) => g.dynamics.static_alerts.some((a) => a.includes(`] ${name}:`)));
  const ruledOut = alerting.every((name) => investigationOf(ep, name)) && investigatedAny;

  const firstPm = ep.postmortems[0];
  const report = firstPm ? assessIncidentReport(task, firstPm.text, retrievedEvidence(task, ep, firstPm.step)) : null;

  // The first statement naming any service as the cause is the one that counts.
  const texts = [
    ...ep.escalations.map((e) => ({ step: e.step, text: e.details, source: `escalation to ${e.team}` })),
    ...ep.fixes.map((f) => ({ step: f.step, text: f.details, source: `fix ${f.fix}` })),
    ...ep.postmortems.slice(0, 1).map((p) => ({ step: p.step, text: p.text, source: 'postmortem' })),
  ].sort((a, b) => a.step - b.step);
  const first = texts
    .map((t) => ({ ...t, claims: t.source === 'postmortem' ? postmortemClaims(task, t.text) : claimedRootCauses(t.text, services) }))
    .find((t) => t.claims.length > 0);

  const why: Record<Stage, string> = { localize: '', diagnose: '', escalate: '', mitigate: '', postmortem: '', efficiency: '' };
  const truthName = (list: string[]) => (reveal ? list.join(', ') : 'the root cause');

  // Localize
  let localize: number;
  if (control) {
    const saidNoFault = report !== null && report.parts.root_cause === 1;
    localize = !first && saidNoFault && ruledOut ? 1 : investigatedAny ? INVESTIGATED_ONLY : 0;
    why.localize = first ? `named ${first.claims.join(', ')} as a cause${reveal ? ', but nothing was broken' : ''}` : saidNoFault ? 'investigated and reported no fault' : 'no conclusion yet';
  } else {
    const wrong = first ? first.claims.filter((c) => !task.roots.has(c)) : [];
    // Each root counts once some statement names it after it was investigated, unless the first
    // statement named a wrong service (a wrong or hedged first answer cannot be taken back).
    const statements = texts.map((t) => ({ ...t, claims: t.source === 'postmortem' ? postmortemClaims(task, t.text) : claimedRootCauses(t.text, services) }));
    localize = mean(
      faults.map((f) => {
        const seen = investigationOf(ep, f.root_cause);
        const named = wrong.length === 0 && seen && statements.some((t) => t.claims.includes(f.root_cause) && t.claims.every((c) => task.roots.has(c)) && seen.step < t.step);
        return named ? 1 : seen ? INVESTIGATED_ONLY : 0;
      }),
    );
    why.localize = !first
      ? `no root cause named yet; ${faults.filter((f) => investigationOf(ep, f.root_cause)).length}/${faults.length} root cause(s) investigated`
      : wrong.length
        ? `first statement (${first.source}, step ${first.step}) names ${first.claims.join(', ')}${reveal ? `; the root cause was ${truthName(faults.map((f) => f.root_cause))}` : ''}`
        : `first statement (${first.source}, step ${first.step}) names ${first.claims.join(', ')}`;
  }

  // Diagnose
  const agentText = normalize([...ep.escalations.map((e) => e.details), ...ep.fixes.map((f) => f.details), firstPm?.text ?? ''].join('. '));
  let diagnose = control ? (report?.parts.root_cause ?? 0) : mean(faults.map((f) => conceptCoverage(agentText, f.concepts.mechanism)));
  if (report?.capped) diagnose *= 0.25;
  why.diagnose = `${Math.round(diagnose * 100)}% of the mechanism stated${report?.capped ? ' (postmortem capped)' : ''}${reveal && !control ? `: ${faults.map((f) => f.mechanism).join(' / ')}` : ''}`;

  // Escalate
  const wrongPages = ep.escalations.filter((e) => !task.rightTeams.has(e.team));
  let escalate: number;
  if (control) {
    escalate = ruledOut ? clamp01(1 - 0.5 * ep.escalations.length) : 0;
  } else {
    const credit = mean(faults.map((f) => evidenceCredit(ep, f.root_cause, ep.escalations.filter((e) => e.team === f.team))));
    escalate = clamp01(credit - OVER_PAGE_COST * wrongPages.length);
  }
  why.escalate = `${ep.escalations.length} page(s), ${wrongPages.length} to teams that own no fault${reveal && !control ? `; owner(s): ${[...task.rightTeams].join(', ')}` : ''}`;

  // Mitigate
  const wrongFixes = ep.fixes.filter((f) => !task.rightFixes.has(f.fix));
  const harmful = wrongFixes.filter((f) => g.dynamics.consequences[f.fix]);
  let mitigate: number;
  if (control) {
    mitigate = ruledOut ? clamp01(1 - 0.5 * ep.fixes.length) : 0;
  } else {
    const credit = mean(faults.map((f) => evidenceCredit(ep, f.root_cause, ep.fixes.filter((x) => x.fix === f.fix))));
    mitigate = clamp01(credit - HARMFUL_FIX_COST * wrongFixes.length - BLAST_RADIUS_COST * harmful.length);
  }
  why.mitigate = `${ep.fixes.length} change(s), ${wrongFixes.length} not a remedy${harmful.length ? `, ${harmful.length} with collateral damage` : ''}${reveal && !control ? `; remedy: ${[...task.rightFixes].join(', ')}` : ''}`;

  // Postmortem
  const postmortem = report?.quality ?? 0;
  why.postmortem = report
    ? `quality ${report.quality}; cited ${report.citations.valid.length} retrieved evidence id(s)${report.citations.invalid.length ? `, ${report.citations.invalid.length} never retrieved` : ''}${report.capped ? `; capped because it ${report.capped}` : ''}`
    : 'no postmortem submitted';

  // Efficiency
  const mitigatedAt = control ? undefined : faults.every((f) => ep.fixes.some((x) => x.fix === f.fix)) ? Math.max(...faults.map((f) => ep.fixes.find((x) => x.fix === f.fix)!.minute)) : undefined;
  let efficiency: number;
  if (control) efficiency = firstPm ? Math.min(1, 15 / Math.max(15, firstPm.minute)) * mitigate : 0;
  else efficiency = mitigatedAt === undefined ? 0 : Math.min(1, g.dynamics.reference_minutes / Math.max(1, mitigatedAt)) * mitigate;
  why.efficiency = control ? 'closed without changes' : mitigatedAt === undefined ? 'not mitigated' : `mitigated at minute ${mitigatedAt} (reference ${g.dynamics.reference_minutes})`;

  const stages: Record<Stage, number> = { localize, diagnose, escalate, mitigate, postmortem, efficiency };
  const items: RubricItemResult[] = (Object.keys(STAGE_WEIGHTS) as Stage[]).map((s) => ({
    id: s,
    description: STAGE_TEXT[s],
    weight: STAGE_WEIGHTS[s],
    earned: round(STAGE_WEIGHTS[s] * stages[s]),
    met: stages[s] >= 0.99,
    why: why[s],
  }));
  const raw = round(items.reduce((sum, i) => sum + i.earned, 0));
  const penalties = [
    ...wrongPages.map((e) => ({ step: e.step, points: -round(STAGE_WEIGHTS.escalate * OVER_PAGE_COST), reason: `paged ${e.team}, which owns no fault` })),
    ...wrongFixes.map((f) => ({ step: f.step, points: -round(STAGE_WEIGHTS.mitigate * (HARMFUL_FIX_COST + (g.dynamics.consequences[f.fix] ? BLAST_RADIUS_COST : 0))), reason: `applied ${f.fix}, which is not a remedy` })),
  ].sort((a, b) => a.step - b.step);

  const mitigated = control || mitigatedAt !== undefined;
  return {
    score: round(Math.min(0.99, Math.max(0.01, raw))),
    raw,
    items,
    penalties,
    stages,
    settled: mitigated && firstPm !== undefined,
    success: localize >= 0.99 && mitigate >= 0.99,
    report,
  };
}
