/**
 * Stage grading for generated incidents: localize, diagnose, escalate, mitigate, postmortem and
 * efficiency, each scored in [0, 1] once the episode is over. Every point lost is explained by
 * the evidence that was available (evidence ids) or the rule that was broken. Before the end,
 * nothing is graded, so nothing mid-episode can tell a root, an owner, a remedy or the kind of
 * episode (one fault, two, or none).
 */
import { budgetBurn, firingAtDetection, holds, prematureAttempts, spreadDepth, stoppedAt } from './dynamics.js';
import { fetched, investigationOf, type Episode } from './episode.js';
import { REPORT_PART_HINTS, assessIncidentReport, saysNoFault, type IncidentReportAssessment } from './postmortem.js';
import { readText, type Reading } from './reading.js';
import type { Task } from './scenario.js';
import type { RubricItemResult } from './schemas.js';
import { STAGE_RULES, STAGE_WEIGHTS, clampScore, mean, round, type Stage } from './scoring.js';
import { conceptCoverage } from './text.js';

export { STAGE_WEIGHTS, type Stage };

export const STAGE_DESCRIPTIONS: Record<Stage, string> = {
  localize: 'Investigate the root cause and name it (only it) as the cause',
  diagnose: 'State the failure mechanism',
  escalate: 'Page the owning team after finding evidence, and nobody else',
  mitigate: 'Apply the right remediation after finding evidence, with no harmful changes',
  postmortem: 'Postmortem: root cause, mechanism, trigger, impact, timeline, remediation, prevention, cited evidence',
  efficiency: 'Time to mitigate against a reference responder',
};

/** What every stage says before the episode ends: the same for every kind of incident. */
export const UNGRADED = 'graded when the episode ends (after the postmortem or at max steps)';

export interface StageReport {
  score: number;
  raw: number;
  items: RubricItemResult[];
  penalties: { step: number; points: number; reason: string }[];
  stages: Record<Stage, number>;
  success: boolean;
  report: IncidentReportAssessment | null;
}

/** Evidence ids the agent had seen before the given step. */
export function retrievedEvidence(task: Task, ep: Episode, beforeStep: number): Set<string> {
  const seen = new Set<string>();
  for (const inv of ep.investigated) {
    if (inv.step >= beforeStep) continue;
    const metricsId = task.metricEvidence.get(inv.service);
    for (const [id, where] of task.evidence) if (where.service === inv.service && fetched(inv, id === metricsId ? 'metrics' : 'logs')) seen.add(id);
  }
  return seen;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');

interface Statement {
  step: number;
  source: string;
  reading: Reading;
}

/** Every text the agent submitted, in order, read once (only the first postmortem counts). */
function statements(task: Task, ep: Episode): Statement[] {
  const out: Statement[] = [
    ...ep.escalations.filter((e) => e.details.trim()).map((e) => ({ step: e.step, source: `escalation to ${e.team} (step ${e.step})`, reading: readText(task, e.details, 'note') })),
    ...ep.fixes.filter((f) => f.details.trim()).map((f) => ({ step: f.step, source: `fix ${f.fix} (step ${f.step})`, reading: readText(task, f.details, 'note') })),
    ...ep.postmortems.slice(0, 1).map((p) => ({ step: p.step, source: `postmortem (step ${p.step})`, reading: readText(task, p.text, 'postmortem') })),
  ];
  return out.sort((a, b) => a.step - b.step);
}

/** Full credit for the right page or fix made after looking at the root cause; little for a blind one. */
function evidenceCredit(ep: Episode, root: string, attempts: readonly { step: number }[]): number {
  if (attempts.length === 0) return 0;
  const seen = investigationOf(ep, root);
  return seen && attempts.some((a) => seen.step < a.step) ? 1 : STAGE_RULES.blindCredit;
}

/** What every stage's grading reads: the incident, the episode and what was said in it. */
interface Ctx {
  task: Task;
  ep: Episode;
  g: NonNullable<Task['scenario']['generated']>;
  faults: NonNullable<Task['scenario']['generated']>['faults'];
  control: boolean;
  report: IncidentReportAssessment | null;
  texts: Statement[];
  firstNaming: Statement | undefined;
  /** Alerting services not investigated; a no-fault control earns restraint only once there are none. */
  unchecked: string[];
  ruledOut: boolean;
  evidenceOf(root: string): string;
  seenAt(service: string): number | undefined;
  /** The minute each fault was stopped (undefined: never). */
  stops: (number | undefined)[];
}

type Graded = { score: number; why: string };

/** Localize: the first statement naming any service decides; a wrong or hedged one cannot be taken back. */
function gradeLocalize(c: Ctx): Graded {
  const { task, ep, faults, control, report, texts, firstNaming, unchecked, ruledOut, evidenceOf, seenAt } = c;
  let localize: number;
  let why = '';
  if (control) {
    const saidNoFault = report !== null && report.parts.root_cause === 1;
    localize = !firstNaming && saidNoFault && ruledOut ? 1 : ep.investigated.length ? STAGE_RULES.investigatedOnly : 0;
    why = firstNaming
      ? `${firstNaming.source} named ${list(firstNaming.reading.roots)} as a cause, but nothing was broken`
      : !saidNoFault
        ? 'no statement that nothing was broken (the postmortem\'s root cause should say "no fault")'
        : unchecked.length
          ? `said nothing was broken without checking every alerting service (unchecked: ${list(unchecked)})`
          : 'checked every alerting service and reported no fault';
  } else {
    const locks = (r: Reading) => r.flawKind === 'hedge' || r.flawKind === 'stuffing';
    const wrongFirst = firstNaming ? locks(firstNaming.reading) || firstNaming.reading.roots.some((c) => !task.roots.has(c)) : false;
    const per = faults.map((f) => {
      const seen = investigationOf(ep, f.root_cause);
      const named = !wrongFirst && seen && texts.some((t) => !locks(t.reading) && t.reading.roots.includes(f.root_cause) && t.reading.roots.every((c) => task.roots.has(c)) && seen.step < t.step);
      // Looking at the root earns a little, unless the first conclusion drawn was wrong.
      return named ? 1 : seen && !wrongFirst ? STAGE_RULES.investigatedOnly : 0;
    });
    localize = mean(per);
    const lost = faults.filter((_, i) => per[i]! < 1).map((f) => {
      const seen = seenAt(f.root_cause);
      return seen === undefined
        ? `${f.root_cause} was never investigated (its evidence: ${evidenceOf(f.root_cause)})`
        : `${f.root_cause}, investigated at step ${seen} (evidence ${evidenceOf(f.root_cause)}), was not named as the cause${wrongFirst ? '' : ' afterwards'}`;
    });
    why = [
      wrongFirst && firstNaming ? `the first root-cause statement, in the ${firstNaming.source}, ${firstNaming.reading.flaw ?? `named ${list(firstNaming.reading.roots)}`}; a wrong or hedged first statement cannot be taken back` : '',
      ...lost,
    ].filter(Boolean).join('; ') || `named ${list(faults.map((f) => f.root_cause))} after investigating ${faults.length > 1 ? 'them' : 'it'}`;
  }

  return { score: localize, why };
}

/** Diagnose: the first text claiming a mechanism must claim a real one; credit is the best unflawed statement. */
function gradeDiagnose(c: Ctx): Graded {
  const { faults, control, texts, firstNaming } = c;
  const faultFamilies = new Set(faults.map((f) => f.family));
  // A keyword list or a too-short text is not read as a statement at all; stuffing is, and fails.
  const firstClaim = texts.find((t) => t.reading.mechanisms.length > 0 && t.reading.flawKind !== 'keywords' && t.reading.flawKind !== 'short');
  const wrongMechanism = control ? false : firstClaim !== undefined && (firstClaim.reading.flawKind === 'stuffing' || !firstClaim.reading.mechanisms.some((m) => faultFamilies.has(m)));
  const honest = texts.filter((t) => !t.reading.flaw);
  let diagnose: number;
  let why = '';
  if (control) diagnose = honest.some((t) => t.reading.roots.length === 0 && saysNoFault(t.reading.normalized.root_cause)) && !firstNaming ? 1 : 0;
  // Each fault's mechanism may be stated in its own text (a double fault explained fix by fix).
  else diagnose = wrongMechanism ? 0 : mean(faults.map((f) => Math.max(0, ...honest.map((t) => conceptCoverage(t.reading.mechanismText, f.concepts.mechanism)))));
  why = control
    ? diagnose ? 'said that nothing was broken' : 'never said that nothing was broken'
    : wrongMechanism && firstClaim
      ? `the first mechanism stated, in the ${firstClaim.source}, ${firstClaim.reading.flaw ?? 'describes a failure that did not happen'}; the mechanism was: ${faults.map((f) => f.mechanism).join(' / ')}`
      : `${Math.round(diagnose * 100)}% of the mechanism stated; it was: ${faults.map((f) => f.mechanism).join(' / ')} (evidence ${faults.map((f) => f.decisive.join(', ')).join('; ')})`;
  const flawed = texts.filter((t) => t.reading.flaw);
  if (flawed.length) why += `; earned nothing from: ${flawed.map((t) => `${t.source}, which ${t.reading.flaw}`).join('; ')}`;

  return { score: diagnose, why };
}

/** Escalate: the owning team paged after the root was investigated, and nobody else. */
function gradeEscalate(c: Ctx): Graded & { wrongPages: Episode['escalations'] } {
  const { task, ep, faults, control, unchecked, ruledOut, seenAt } = c;
  // Escalate. A team that owns two faults is paged once: a page made on the evidence of one of its
  // faults counts for the other too, once that other root has been investigated.
  const alreadyEngaged = (f: (typeof faults)[number]) =>
    investigationOf(ep, f.root_cause) !== undefined &&
    faults.some((o) => o !== f && o.team === f.team && evidenceCredit(ep, o.root_cause, ep.escalations.filter((e) => e.team === o.team)) === 1);
  const wrongPages = ep.escalations.filter((e) => !task.rightTeams.has(e.team));
  let escalate: number;
  let why = '';
  if (control) escalate = ruledOut ? clamp01(1 - STAGE_RULES.controlAction * ep.escalations.length) : 0;
  else escalate = clamp01(mean(faults.map((f) => Math.max(evidenceCredit(ep, f.root_cause, ep.escalations.filter((e) => e.team === f.team)), alreadyEngaged(f) ? 1 : 0))) - STAGE_RULES.overPage * wrongPages.length);
  why = control
    ? `nothing was broken: ${ep.escalations.length} page(s)${ruledOut ? '' : `; not every alerting service was checked (${list(unchecked)})`}`
    : [
        ...faults.map((f) => {
          const page = ep.escalations.find((e) => e.team === f.team);
          const seen = seenAt(f.root_cause);
          if (!page) return `${f.team} (owner of ${f.root_cause}) was never paged`;
          if (alreadyEngaged(f) && !(seen !== undefined && ep.escalations.some((e) => e.team === f.team && seen < e.step))) return `${f.team} (owner of ${f.root_cause}) was already paged on the evidence of its other fault, and ${f.root_cause} was investigated`;
          return seen !== undefined && seen < page.step ? `paged ${f.team} at step ${page.step}, after investigating ${f.root_cause}` : `paged ${f.team} at step ${page.step} before investigating ${f.root_cause} (rule: evidence first, ${STAGE_RULES.blindCredit * 100}% credit)`;
        }),
        ...wrongPages.map((e) => `paged ${e.team} at step ${e.step}, which owns no fault (rule: −${STAGE_RULES.overPage} of the stage)`),
      ].join('; ');

  return { score: escalate, why, wrongPages };
}

/** Mitigate: the remedy (or a mitigation, for part) after evidence, with no wrong, harmful or premature change. */
function gradeMitigate(c: Ctx): Graded & { wrongFixes: Episode['fixes']; premature: { fault: number; x: Episode['fixes'][number] }[] } {
  const { task, ep, g, faults, control, unchecked, ruledOut, seenAt } = c;
  // Mitigate
  const wrongFixes = ep.fixes.filter((f) => !task.rightFixes.has(f.fix) && !task.mitigations.has(f.fix) && !task.prerequisites.has(f.fix));
  const harmful = wrongFixes.filter((f) => g.dynamics.consequences[f.fix]);
  // A remedy tried while retries still flooded its root did not hold: it counts only when retried after shedding.
  const premature = faults.flatMap((_, i) => prematureAttempts(task, ep.fixes, i).map((x) => ({ fault: i, x })));
  const held = (i: number) => ep.fixes.filter((x) => holds(task, ep.fixes, i, x));
  let mitigate: number;
  let why = '';
  if (control) mitigate = ruledOut ? clamp01(1 - STAGE_RULES.controlAction * ep.fixes.length) : 0;
  else {
    // The remedy earns full credit; a mitigation that only stops the symptoms earns part of it.
    const credit = (f: (typeof faults)[number], i: number) =>
      Math.max(evidenceCredit(ep, f.root_cause, held(i).filter((x) => x.fix === f.fix)), STAGE_RULES.mitigationShare * evidenceCredit(ep, f.root_cause, held(i).filter((x) => f.mitigations.includes(x.fix))));
    mitigate = clamp01(mean(faults.map(credit)) - STAGE_RULES.wrongChange * wrongFixes.length - STAGE_RULES.collateralDamage * harmful.length - STAGE_RULES.prematureChange * premature.length);
  }
  why = control
    ? `nothing was broken: ${ep.fixes.length} change(s)${ruledOut ? '' : `; not every alerting service was checked (${list(unchecked)})`}`
    : [
        ...faults.map((f, i) => {
          const fix = held(i).find((x) => x.fix === f.fix);
          const seen = seenAt(f.root_cause);
          const eased = held(i).find((x) => f.mitigations.includes(x.fix));
          if (!fix && eased) return `applied ${eased.fix} at step ${eased.step}, which stops the symptoms without removing the cause (${STAGE_RULES.mitigationShare * 100}% credit); the remedy was ${f.fix}`;
          if (!fix) return premature.some((p) => p.fault === i) ? `the remedy ${f.fix} never held: it was never applied after load was shed (${list(f.needs_first ?? [])})` : `the remedy ${f.fix} was never applied`;
          return seen !== undefined && seen < fix.step ? `applied ${f.fix} at step ${fix.step}, after investigating ${f.root_cause}` : `applied ${f.fix} at step ${fix.step} before investigating ${f.root_cause} (rule: evidence first, ${STAGE_RULES.blindCredit * 100}% credit)`;
        }),
        ...premature.map(({ fault, x }) => `applied ${x.fix} at step ${x.step} while client retries still flooded ${faults[fault]!.root_cause}: it did not hold, as its logs had warned (restarts failing under retried load); shed load first (${list(faults[fault]!.needs_first ?? [])}) (rule: −${STAGE_RULES.prematureChange})`),
        ...wrongFixes.map((f) => `applied ${f.fix} at step ${f.step}, which is not a remedy (rule: −${STAGE_RULES.wrongChange}${g.dynamics.consequences[f.fix] ? `, and −${STAGE_RULES.collateralDamage} for the damage it did: ${g.dynamics.consequences[f.fix]!.label}` : ''})`),
      ].join('; ');

  return { score: mitigate, why, wrongFixes, premature };
}

/** Postmortem: the report's checklist quality, explained part by part. */
function gradePostmortem(c: Ctx): Graded {
  const { report } = c;
  // Postmortem
  const postmortem = report?.quality ?? 0;
  let why = '';
  if (!report) why = 'no postmortem submitted';
  else {
    const missing = Object.entries(report.parts)
      .filter(([, v]) => v < 1)
      .map(([k, v]) => {
        const part = k as keyof typeof REPORT_PART_HINTS;
        const lacked = report.missing[part]?.length ? `; missing: ${report.missing[part]!.join('; ')}` : '';
        return `${k} ${round(v, 2)} (wanted: ${REPORT_PART_HINTS[part]}${lacked})`;
      });
    why = `quality ${report.quality}${missing.length ? `; incomplete: ${missing.join(', ')}` : ''}; cited ${report.citations.valid.length} retrieved evidence id(s)${report.citations.invalid.length ? `, ${report.citations.invalid.length} never retrieved (${report.citations.invalid.join(', ')})` : ''}${report.capped ? `; capped because it ${report.capped}` : ''}`;
  }

  return { score: postmortem, why };
}

/** Efficiency: the reference responder's minutes over the minutes until every fault was stopped, times the mitigate stage. */
function gradeEfficiency(c: Ctx, mitigate: number): Graded & { mitigatedAt: number | undefined } {
  const { ep, g, control, stops } = c;
  const firstPm = ep.postmortems[0];
  const mitigatedAt = control || stops.some((m) => m === undefined) ? undefined : Math.max(...(stops as number[]));
  let efficiency: number;
  let why = '';
  if (control) efficiency = firstPm ? Math.min(1, STAGE_RULES.controlMinutes / Math.max(STAGE_RULES.controlMinutes, firstPm.minute)) * mitigate : 0;
  else efficiency = mitigatedAt === undefined ? 0 : Math.min(1, g.dynamics.reference_minutes / Math.max(1, mitigatedAt)) * mitigate;
  why = control ? `closed at minute ${firstPm?.minute ?? 'never'} (within ${STAGE_RULES.controlMinutes} is full credit), × the mitigate stage` : mitigatedAt === undefined ? 'not mitigated' : `mitigated at minute ${mitigatedAt} (reference ${g.dynamics.reference_minutes}), × the mitigate stage`;

  return { score: efficiency, why, mitigatedAt };
}

export function gradeStages(task: Task, ep: Episode): StageReport {
  const g = task.scenario.generated!;
  const faults = g.faults;
  const firstPm = ep.postmortems[0];
  // Symptoms spread until the last fault was stopped (or the report was written, if sooner).
  const stops = faults.map((_, i) => stoppedAt(task, ep.fixes, i));
  const lastStop = stops.some((m) => m === undefined) ? Infinity : Math.max(0, ...(stops as number[]));
  const report = firstPm ? assessIncidentReport(task, firstPm.text, retrievedEvidence(task, ep, firstPm.step), spreadDepth(task, Math.min(lastStop, firstPm.minute))) : null;
  const texts = statements(task, ep);
  const unchecked = firingAtDetection(task).filter((s) => !investigationOf(ep, s));
  const c: Ctx = {
    task, ep, g, faults, control: faults.length === 0, report, texts,
    firstNaming: texts.find((t) => t.reading.roots.length > 0),
    unchecked,
    ruledOut: unchecked.length === 0 && ep.investigated.length > 0,
    evidenceOf: (root) => (faults.find((f) => f.root_cause === root)?.decisive ?? []).join(', '),
    seenAt: (service) => investigationOf(ep, service)?.step,
    stops,
  };
  const { control } = c;
  const loc = gradeLocalize(c);
  const diag = gradeDiagnose(c);
  const esc = gradeEscalate(c);
  const mit = gradeMitigate(c);
  const pm = gradePostmortem(c);
  const eff = gradeEfficiency(c, mit.score);
  const { wrongPages } = esc;
  const { wrongFixes, premature } = mit;
  let mitigate = mit.score;
  let efficiency = eff.score;
  const why: Record<Stage, string> = { localize: loc.why, diagnose: diag.why, escalate: esc.why, mitigate: mit.why, postmortem: pm.why, efficiency: eff.why };
  const { mitigatedAt } = eff;

  // SLO breach (expert): the error budget ran out before every fault was stopped.
  if (!control && g.dynamics.slo_breach) {
    const until = mitigatedAt ?? ep.minutes;
    const burned = budgetBurn(task, ep, 0, until);
    if (burned >= 100 || mitigatedAt === undefined) {
      mitigate *= STAGE_RULES.breachShare;
      efficiency = 0;
      const reason = mitigatedAt === undefined ? 'the faults were never all stopped' : `the error budget ran out before minute ${mitigatedAt}, when the last fault was stopped`;
      why.mitigate = `${why.mitigate}; SLO breached: ${reason} (rule: ${STAGE_RULES.breachShare * 100}% of the stage kept)`;
      why.efficiency = `${why.efficiency}; SLO breached: no efficiency credit`;
    }
  }
  const stages: Record<Stage, number> = { localize: loc.score, diagnose: diag.score, escalate: esc.score, mitigate, postmortem: pm.score, efficiency };
  const items: RubricItemResult[] = (Object.keys(STAGE_WEIGHTS) as Stage[]).map((s) => ({
    id: s,
    description: STAGE_DESCRIPTIONS[s],
    weight: STAGE_WEIGHTS[s],
    earned: round(STAGE_WEIGHTS[s] * stages[s]),
    met: stages[s] >= 0.99,
    why: why[s],
  }));
  const raw = round(items.reduce((sum, i) => sum + i.earned, 0));
  const penalties = [
    ...wrongPages.map((e) => ({ step: e.step, points: -round(STAGE_WEIGHTS.escalate * STAGE_RULES.overPage), reason: `paged ${e.team}, which owns no fault` })),
    ...premature.map(({ x }) => ({ step: x.step, points: -round(STAGE_WEIGHTS.mitigate * STAGE_RULES.prematureChange), reason: `applied ${x.fix} before shedding load; it did not hold` })),
    ...wrongFixes.map((f) => ({ step: f.step, points: -round(STAGE_WEIGHTS.mitigate * (STAGE_RULES.wrongChange + (g.dynamics.consequences[f.fix] ? STAGE_RULES.collateralDamage : 0))), reason: `applied ${f.fix}, which is not a remedy` })),
  ].sort((a, b) => a.step - b.step);

  return { score: clampScore(raw), raw, items, penalties, stages, success: loc.score >= 0.99 && mitigate >= 0.99, report };
}

/** The stages before the end: identical for every generated incident. */
export function ungradedItems(): RubricItemResult[] {
  return (Object.keys(STAGE_WEIGHTS) as Stage[]).map((s) => ({ id: s, description: STAGE_DESCRIPTIONS[s], weight: STAGE_WEIGHTS[s], earned: 0, met: false, why: UNGRADED }));
}
