/**
 * Postmortem grading: a checklist of correct claims (root cause, mechanism, impact,
 * remediation, prevention) against the scenario's ground truth. Keyword lists, hedged or
 * wrong root causes earn at most a quarter of the credit.
 */
import type { Task } from './scenario.js';
import { claimedRootCauses, conceptCoverage, normalize, proseStats } from './text.js';

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
