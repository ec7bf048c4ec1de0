/**
 * Postmortem grading: a checklist of correct claims (root cause, mechanism, impact,
 * remediation, prevention) against the scenario's ground truth. Keyword lists, hedged or
 * wrong root causes earn at most a quarter of the credit.
 */
import type { ConceptGroups, Task } from './scenario.js';
import { claimedRootCauses, conceptCoverage, containsPhrase, normalize, proseStats } from './text.js';

export const POSTMORTEM_PARTS = {
  root_cause: 0.3,
  mechanism: 0.25,
  impact: 0.15,
  remediation: 0.15,
  prevention: 0.15,
} as const;
export type PostmortemPart = keyof typeof POSTMORTEM_PARTS;

/** The most a postmortem can earn when it is stuffed, hedged or names a wrong root cause. */
export const DISHONEST_CAP = 0.25;
/** Fewer words than this cannot be a postmortem. */
export const MIN_WORDS = 15;
/** Below this share of function words ("the", "was", "to"...), a text is a keyword list, not prose. */
export const MIN_FUNCTION_SHARE = 0.12;

export interface PostmortemAssessment {
  quality: number;
  parts: Record<PostmortemPart, number>;
  claimed_root_causes: string[];
  form: 'text' | 'structured';
  capped: string | null;
}

type Sections = Record<'root_cause' | 'all' | 'mechanism' | 'impact' | 'remediation' | 'prevention', string>;

/** A postmortem may be free text or a JSON object with one field per section. */
function sectionsOf(text: string): { form: 'text' | 'structured'; sections: Sections } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const field = (k: string) => {
          const v = (parsed as Record<string, unknown>)[k];
          if (typeof v === 'string') return v;
          if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join('. ');
          return '';
        };
        const root = field('root_cause');
        const parts = {
          mechanism: `${field('mechanism')} ${field('trigger')}`,
          impact: field('impact'),
          remediation: field('remediation'),
          prevention: field('prevention'),
        };
        const all = [root, parts.mechanism, parts.impact, parts.remediation, parts.prevention, field('timeline')].join('. ');
        return { form: 'structured', sections: { root_cause: root, all, ...parts } };
      }
    } catch {
      // Not JSON after all: grade it as free text.
    }
  }
  return {
    form: 'text',
    sections: { root_cause: text, all: text, mechanism: text, impact: text, remediation: text, prevention: text },
  };
}

/** The root-cause services a postmortem names (from its root_cause field when it is JSON). */
export function postmortemClaims(task: Task, text: string): string[] {
  return claimedRootCauses(sectionsOf(text).sections.root_cause, [...task.serviceByName.keys()]);
}

export function assessPostmortem(task: Task, text: string): PostmortemAssessment {
  const { form, sections } = sectionsOf(text);
  const services = [...task.serviceByName.keys()];
  const claims = claimedRootCauses(sections.root_cause, services);
  const truth = task.scenario.truth.root_cause;
  const pm = task.scenario.postmortem;
  const parts: Record<PostmortemPart, number> = {
    root_cause: claims.length === 1 && claims[0] === truth ? 1 : 0,
    mechanism: conceptCoverage(normalize(sections.mechanism), pm.mechanism),
    impact: conceptCoverage(normalize(sections.impact), pm.impact),
    remediation: conceptCoverage(normalize(sections.remediation), pm.remediation),
    prevention: conceptCoverage(normalize(sections.prevention), pm.prevention),
  };
  let quality = 0;
  for (const [part, weight] of Object.entries(POSTMORTEM_PARTS)) quality += weight * parts[part as PostmortemPart];

  const { words, functionShare } = proseStats(normalize(sections.all));
  let capped: string | null = null;
  if (claims.length > 1) capped = `names several root causes (${claims.join(', ')})`;
  else if (claims.length === 1 && claims[0] !== truth) capped = `names a wrong root cause (${claims[0]})`;
  else if (words < MIN_WORDS) capped = `is too short to be a postmortem (${words} words)`;
  else if (functionShare < MIN_FUNCTION_SHARE) capped = `reads as a keyword list, not sentences (${Math.round(functionShare * 100)}% function words)`;
  if (capped) quality = Math.min(quality, DISHONEST_CAP);

  return { quality: round(quality), parts, claimed_root_causes: claims, form, capped };
}

export const round = (x: number, digits = 4) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const INCIDENT_REPORT_PARTS = {
  root_cause: 0.25,
  mechanism: 0.2,
  trigger: 0.1,
  impact: 0.15,
  timeline: 0.1,
  remediation: 0.1,
  prevention: 0.1,
} as const;
export type IncidentReportPart = keyof typeof INCIDENT_REPORT_PARTS;

const PREVENTION: ConceptGroups = [['alert', 'monitor', 'runbook', 'test', 'canary', 'limit', 'validat', 'automat', 'retry', 'ttl', 'capacity', 'review', 'guard', 'dashboard', 'slo']];
const NO_FAULT = ['no root cause', 'no fault', 'no incident', 'false alarm', 'false positive', 'benign', 'nothing was broken', 'no action needed', 'no real incident', 'expected behaviour', 'expected behavior'];

export interface IncidentReportAssessment {
  quality: number;
  parts: Record<IncidentReportPart, number>;
  claimed_root_causes: string[];
  citations: { valid: string[]; invalid: string[] };
  form: 'text' | 'structured';
  capped: string | null;
}

/** Evidence ids ("ev-1a2b") cited in a text, in order, without duplicates. */
export function citedEvidence(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('ev-', from);
    if (at < 0) return out;
    const id = text.slice(at, at + 7);
    if (/^ev-[0-9a-f]{4}$/.test(id) && !out.includes(id)) out.push(id);
    from = at + 3;
  }
}

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

/**
 * Grades a generated incident's postmortem against every fault's ground truth. Evidence the
 * agent cites counts only if it retrieved it; citing evidence it never saw costs.
 */
export function assessIncidentReport(task: Task, text: string, retrieved: ReadonlySet<string>): IncidentReportAssessment {
  const g = task.scenario.generated!;
  const { form, sections } = sectionsOf(text);
  const trigger = form === 'structured' ? structuredField(text, 'trigger') || sections.mechanism : text;
  const timeline = form === 'structured' ? structuredField(text, 'timeline') || text : text;
  const claims = claimedRootCauses(sections.root_cause, [...task.serviceByName.keys()]);
  const roots = [...task.roots];
  const all = normalize(sections.all);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 1);

  const wrong = claims.filter((c) => !task.roots.has(c));
  let rootPart: number;
  if (roots.length === 0) rootPart = claims.length === 0 && NO_FAULT.some((p) => containsPhrase(normalize(sections.root_cause), p)) ? 1 : 0;
  else rootPart = wrong.length > 0 ? 0 : claims.filter((c) => task.roots.has(c)).length / roots.length;

  const affected = g.faults.flatMap((f) => f.affected.slice(0, 3));
  const impactText = normalize(sections.impact);
  const parts: Record<IncidentReportPart, number> = {
    root_cause: rootPart,
    mechanism: avg(g.faults.map((f) => conceptCoverage(normalize(sections.mechanism), f.concepts.mechanism))),
    trigger: avg(g.faults.map((f) => conceptCoverage(normalize(trigger), f.concepts.trigger))),
    impact: roots.length === 0 ? (containsPhrase(impactText, 'no impact') || containsPhrase(impactText, 'no user impact') ? 1 : 0) : affected.length ? affected.filter((s) => containsPhrase(impactText, s)).length / affected.length : 1,
    timeline: Math.min(1, timestampsIn(timeline) / 2),
    remediation: roots.length === 0 ? (NO_FAULT.some((p) => containsPhrase(all, p)) ? 1 : 0) : avg(g.faults.map((f) => (containsPhrase(normalize(sections.remediation), f.fix) ? 1 : conceptCoverage(normalize(sections.remediation), f.concepts.remediation)))),
    prevention: conceptCoverage(normalize(sections.prevention), PREVENTION),
  };
  let checklist = 0;
  for (const [part, weight] of Object.entries(INCIDENT_REPORT_PARTS)) checklist += weight * parts[part as IncidentReportPart];

  const cited = citedEvidence(text);
  const valid = cited.filter((id) => retrieved.has(id));
  const invalid = cited.filter((id) => !retrieved.has(id));
  let quality = checklist * (0.8 + 0.2 * Math.min(1, valid.length / 2)) - 0.1 * invalid.length;

  const { words, functionShare } = proseStats(all);
  let capped: string | null = null;
  if (claims.length > 0 && wrong.length > 0) capped = claims.length > 1 ? `names several root causes (${claims.join(', ')})` : `names a wrong root cause (${claims[0]})`;
  else if (words < MIN_WORDS) capped = `is too short to be a postmortem (${words} words)`;
  else if (functionShare < MIN_FUNCTION_SHARE) capped = `reads as a keyword list, not sentences (${Math.round(functionShare * 100)}% function words)`;
  if (capped) quality = Math.min(quality, DISHONEST_CAP);
  return { quality: round(Math.max(0, quality)), parts, claimed_root_causes: claims, citations: { valid, invalid }, form, capped };
}

function structuredField(text: string, key: string): string {
  try {
    const parsed: unknown = JSON.parse(text.trim());
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const v = (parsed as Record<string, unknown>)[key];
      if (typeof v === 'string') return v;
      if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join('. ');
    }
  } catch {
    // free text
  }
  return '';
}
