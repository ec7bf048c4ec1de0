/**
 * Postmortem checklists: the seed tasks' (root cause, mechanism, impact, remediation,
 * prevention) and generated incidents' (plus trigger, timeline and cited evidence). Texts are
 * read by the one reader (reading.ts); a flawed text or a wrong root cause caps the quality.
 */
import { readText, type Reading } from './reading.js';
import { seedScenario, type ConceptGroups, type Task } from './scenario.js';
import { CITATION_RULES, INCIDENT_REPORT_PARTS, SEED_POSTMORTEM_PARTS, TEXT_RULES, mean as meanOf, round } from './scoring.js';
import { conceptCoverage, containsPhrase, normalize } from './text.js';

export { round };
export const POSTMORTEM_PARTS = SEED_POSTMORTEM_PARTS;
export type PostmortemPart = keyof typeof SEED_POSTMORTEM_PARTS;
export { INCIDENT_REPORT_PARTS };
export type IncidentReportPart = keyof typeof INCIDENT_REPORT_PARTS;

export interface PostmortemAssessment {
  quality: number;
  parts: Record<PostmortemPart, number>;
  claimed_root_causes: string[];
  form: 'text' | 'structured';
  capped: string | null;
}

export interface IncidentReportAssessment {
  quality: number;
  parts: Record<IncidentReportPart, number>;
  /** What each incomplete part lacked (concept phrases, service names): shown after the end. */
  missing: Partial<Record<IncidentReportPart, string[]>>;
  claimed_root_causes: string[];
  citations: { valid: string[]; invalid: string[] };
  form: 'text' | 'structured';
  capped: string | null;
}

/** Why a postmortem is capped: the reader's flaw, or a root cause that is not one. */
function capOf(task: Task, r: Reading): string | null {
  if (r.flaw) return r.flaw;
  const wrong = r.roots.filter((c) => !task.roots.has(c));
  if (wrong.length) return `names a wrong root cause (${wrong.join(', ')})`;
  return null;
}

export function assessPostmortem(task: Task, text: string): PostmortemAssessment {
  const r = readText(task, text, 'postmortem');
  const truth = task.scenario.truth.root_cause;
  const pm = seedScenario(task).postmortem;
  const n = r.normalized;
  const parts: Record<PostmortemPart, number> = {
    root_cause: r.roots.length === 1 && r.roots[0] === truth ? 1 : 0,
    mechanism: conceptCoverage(n.mechanism, pm.mechanism),
    impact: conceptCoverage(n.impact, pm.impact),
    remediation: conceptCoverage(n.remediation, pm.remediation),
    prevention: conceptCoverage(n.prevention, pm.prevention),
  };
  let quality = 0;
  for (const [part, weight] of Object.entries(SEED_POSTMORTEM_PARTS)) quality += weight * parts[part as PostmortemPart];
  const capped = capOf(task, r);
  if (capped) quality = Math.min(quality, TEXT_RULES.flawedCap);
  return { quality: round(quality), parts, claimed_root_causes: r.roots, form: r.form, capped };
}

const PREVENTION: ConceptGroups = [['alert', 'monitor', 'runbook', 'test', 'canary', 'limit', 'validat', 'automat', 'retry', 'ttl', 'capacity', 'review', 'guard', 'dashboard', 'slo', 'timeout']];
const NO_IMPACT = ['no impact', 'no user impact', 'no customer impact', 'no lasting impact', 'none', 'no users', 'stayed at baseline', 'brief', 'self resolv', 'recovered on its own', 'resolved on its own', 'no errors for users'];
const NO_FAULT = ['no root cause', 'no fault', 'no incident', 'false alarm', 'false positive', 'benign', 'nothing was broken', 'nothing broke', 'no broken component', 'no production fault', 'no action needed', 'no real incident', 'expected behaviour', 'expected behavior', 'recovered by itself', 'recovered on its own', 'resolved by itself', 'resolved on its own', 'self resolv'];

function timestampsIn(text: string): number {
  let count = 0;
  for (let i = 0; i + 4 < text.length && count < 3; i++) {
    if (text[i + 2] === ':' && /\d\d:\d\d/.test(text.slice(i, i + 5))) {
      count++;
      i += 4;
    }
  }
  return count;
}

/** Averaged over faults; a no-fault control has none to explain, so its parts are complete. */
const mean = (xs: number[]) => meanOf(xs, 1);

/** What each postmortem part asks for, named when a part is missing. */
export const REPORT_PART_HINTS: Record<IncidentReportPart, string> = {
  root_cause: 'the root-cause service (or "no fault" when nothing was broken)',
  mechanism: 'how it failed',
  trigger: 'what set it off (the change or event in the evidence)',
  impact: 'the affected services by name (or "no user impact" when nothing was broken)',
  timeline: 'two or more times (HH:MM)',
  remediation: 'the remedy applied (or that nothing was changed)',
  prevention: 'what will prevent a repeat (an alert, a test, a limit, a runbook...)',
};

/** Does a (normalised) text say that nothing was broken? */
export const saysNoFault = (normalized: string) => NO_FAULT.some((p) => containsPhrase(normalized, p));

/**
 * What a responder could have read about one fault: the log lines (late ones included), metric
 * names and alert rules of its root and of every service it reaches. Another service's words (a
 * DNS cache's `cache_hit_ratio`) are no evidence of this fault's trigger.
 */
function observableText(task: Task, fault: number): string {
  const key = `observable|${fault}`;
  const cached = task.memo.views.get(key) as string | undefined;
  if (cached !== undefined) return cached;
  const g = task.scenario.generated!;
  const root = g.faults[fault]!.root_cause;
  const parts: string[] = [];
  for (const [name, d] of Object.entries(g.dynamics.services)) {
    if (name !== root && d.fault !== fault && !d.also.includes(fault)) continue;
    const s = task.serviceByName.get(name)!;
    parts.push(...s.logs, ...Object.keys(s.overview), ...Object.keys(s.detail), ...Object.keys(d.detail_impacted ?? {}), ...Object.keys(d.impacted ?? {}));
    for (const l of d.late ?? []) parts.push(l.msg);
    for (const r of g.dynamics.alert_rules) if (r.service === name) parts.push(r.label, r.metric);
  }
  const text = normalize(parts.join('\n'));
  task.memo.views.set(key, text);
  return text;
}

/**
 * The concept groups a report can be asked for: those the fault's evidence showed in some wording.
 * A fact no observation carried (the hardware behind a degraded node, the size a cache value grew
 * to, a line that log sampling dropped) is the ground truth's, not something a responder could have stated.
 */
function evidenced(task: Task, fault: number, groups: ConceptGroups): ConceptGroups {
  const seen = observableText(task, fault);
  return groups.filter((group) => group.some((p) => containsPhrase(seen, p)));
}

/**
 * Grades a generated incident's postmortem against every fault's ground truth. Evidence the
 * agent cites counts only if it retrieved it; citing evidence it never saw costs.
 */
export function assessIncidentReport(task: Task, text: string, retrieved: ReadonlySet<string>, reachedDepth = Infinity): IncidentReportAssessment {
  const g = task.scenario.generated!;
  const r = readText(task, text, 'postmortem');
  const n = r.normalized;
  const roots = [...task.roots];
  const control = roots.length === 0;
  const impactText = r.sections.impact.trim() ? n.impact : normalize(r.sections.all);
  const normalizedRaw = normalize(r.sections.all);
  // Only services the symptoms had reached before the faults were stopped showed any impact to name.
  const showed = (name: string) => (g.dynamics.services[name]?.hop ?? 0) <= reachedDepth;
  const affected = g.faults.flatMap((f) => f.affected.filter(showed).slice(0, 3));
  const parts: Record<IncidentReportPart, number> = {
    root_cause: control ? (r.roots.length === 0 && saysNoFault(n.root_cause) ? 1 : 0) : r.roots.some((c) => !task.roots.has(c)) ? 0 : r.roots.filter((c) => task.roots.has(c)).length / roots.length,
    // Content counts wherever the report states it: the JSON fields are a convenience, not a form to fill.
    mechanism: mean(g.faults.map((f) => conceptCoverage(r.mechanismText, f.concepts.mechanism))),
    trigger: mean(g.faults.map((f, i) => conceptCoverage(n.all, evidenced(task, i, f.concepts.trigger)))),
    impact: control ? (NO_IMPACT.some((p) => containsPhrase(impactText, p)) || /\bno\b[^.]{0,30}\bimpact\b/.test(impactText) ? 1 : 0) : affected.length ? affected.filter((s) => containsPhrase(impactText, s)).length / affected.length : 1,
    timeline: Math.min(1, timestampsIn(r.sections.timeline) / 2),
    remediation: control ? (saysNoFault(normalizedRaw) || containsPhrase(normalizedRaw, 'nothing was changed') ? 1 : 0) : mean(g.faults.map((f) => (containsPhrase(n.all, f.fix) ? 1 : conceptCoverage(n.all, f.concepts.remediation)))),
    prevention: conceptCoverage(n.all, PREVENTION),
  };
  const missing: Partial<Record<IncidentReportPart, string[]>> = {};
  const gaps = (text: string, groups: ConceptGroups) => groups.filter((gr) => conceptCoverage(text, [gr]) === 0).map((gr) => gr.slice(0, 3).join(' / '));
  if (!control) {
    missing.mechanism = g.faults.flatMap((f) => gaps(r.mechanismText, f.concepts.mechanism));
    missing.trigger = g.faults.flatMap((f, i) => gaps(n.all, evidenced(task, i, f.concepts.trigger)));
    missing.impact = affected.filter((x) => !containsPhrase(impactText, x));
    missing.remediation = g.faults.flatMap((f) => (containsPhrase(n.all, f.fix) ? [] : gaps(n.all, f.concepts.remediation)));
    // Say which root was not read as claimed, and how the field was read, so the loss can be acted on.
    const unclaimed = roots.filter((x) => !r.roots.includes(x));
    const wrong = r.roots.filter((x) => !task.roots.has(x));
    if (unclaimed.length || wrong.length) {
      missing.root_cause = [
        `read as naming ${r.roots.length ? r.roots.join(' and ') : 'no service'}`,
        ...(unclaimed.length ? [`not read as a cause: ${unclaimed.join(', ')} (without "root cause" or "caused by", only the first service a text names counts; name each root after "root cause")`] : []),
        ...(wrong.length ? [`${wrong.join(', ')} is not a root`] : []),
      ];
    }
  }
  let checklist = 0;
  for (const [part, weight] of Object.entries(INCIDENT_REPORT_PARTS)) checklist += weight * parts[part as IncidentReportPart];

  const valid = r.cited.filter((id) => retrieved.has(id));
  const invalid = r.cited.filter((id) => !retrieved.has(id));
  const c = CITATION_RULES;
  let quality = checklist * (c.uncitedShare + (1 - c.uncitedShare) * Math.min(1, valid.length / c.fullCitations)) - c.unretrievedCost * invalid.length;
  const capped = capOf(task, r);
  if (capped) quality = Math.min(quality, TEXT_RULES.flawedCap);
  return { quality: round(Math.max(0, quality)), parts, missing, claimed_root_causes: r.roots, citations: { valid, invalid }, form: r.form, capped };
}
