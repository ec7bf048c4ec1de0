/**
 * The one reader of agent text. Every text an agent submits (escalation details, fix details,
 * postmortems; free text or JSON) is read here, once, under one rule: it names root-cause
 * services, claims failure mechanisms, and is flawed when it hedges (names more root causes
 * or mechanisms than there are faults) or is a keyword list rather than prose. A flawed text
 * earns nothing in any stage; graders never read text themselves.
 */
import { FAMILIES } from './generator/families/index.js';
import type { ConceptGroups, Task } from './scenario.js';
import { TEXT_RULES } from './scoring.js';
import { affirmative, claimedRootCauses, conceptCoverage, normalize, proseStats } from './text.js';

export type TextKind = 'note' | 'postmortem';

export interface Sections {
  root_cause: string;
  mechanism: string;
  trigger: string;
  impact: string;
  timeline: string;
  remediation: string;
  prevention: string;
  /** Every section together. */
  all: string;
}

export interface Reading {
  form: 'text' | 'structured';
  sections: Sections;
  /** Normalised forms of each section, for concept checks. */
  normalized: Sections;
  /** Services named as the root cause (from `root_cause` when structured). */
  roots: string[];
  /** Failure mechanisms (family ids) the text claims. */
  mechanisms: string[];
  /** The normalised text with fix ids and remedy kinds taken out: what it says about how the failure happened. */
  mechanismText: string;
  words: number;
  functionShare: number;
  /** Why the text earns nothing (a hedge, stuffing, a keyword list, too short), or null. */
  flaw: string | null;
  /**
   * A hedge (several root causes) or stuffing (several mechanisms) is a claim that counts, and
   * fails, as a first statement; a keyword list or a too-short text is simply not read as one.
   */
  flawKind: 'hedge' | 'stuffing' | 'keywords' | 'short' | null;
  /** Evidence ids cited, in order, without duplicates. */
  cited: string[];
}

const SECTION_KEYS = ['root_cause', 'mechanism', 'trigger', 'impact', 'timeline', 'remediation', 'prevention'] as const;

/** A postmortem may be a JSON object with one field per section; anything else is free text. */
export function sectionsOf(text: string): { form: 'text' | 'structured'; sections: Sections } {
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
        const s = Object.fromEntries(SECTION_KEYS.map((k) => [k, field(k)])) as Omit<Sections, 'all'>;
        const evidence = field('evidence');
        return { form: 'structured', sections: { ...s, all: [...SECTION_KEYS.map((k) => s[k]), evidence].join('. ') } };
      }
    } catch {
      // Not JSON after all: read it as free text.
    }
  }
  return { form: 'text', sections: freeText(text) };
}

/** Free text is every section at once. */
const freeText = (text: string): Sections => ({ root_cause: text, mechanism: text, trigger: text, impact: text, timeline: text, remediation: text, prevention: text, all: text });

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

const CLAIMS: readonly { id: string; claim: ConceptGroups }[] = FAMILIES.map((f) => ({ id: f.id, claim: f.claim }));

/** Failure mechanisms a (normalised) text claims: every group of a family's claim present. */
export function claimedMechanisms(normalized: string): string[] {
  return CLAIMS.filter((c) => conceptCoverage(normalized, c.claim) === 1).map((c) => c.id);
}

/**
 * The task's fix ids and remedy kinds, normalised, longest first: naming the change one made
 * (`renew_credentials@billing-api`) is not claiming the failure its words resemble (an expired
 * API credential).
 */
function remedyPhrases(task: Task): string[] {
  const cached = task.memo.views.get('remedy-phrases') as string[] | undefined;
  if (cached) return cached;
  const phrases = new Set<string>();
  for (const f of task.scenario.fixes) {
    phrases.add(normalize(f.id));
    const at = f.id.indexOf('@');
    if (at > 0) phrases.add(normalize(f.id.slice(0, at)));
  }
  const sorted = [...phrases].filter((p) => p.length > 3).sort((a, b) => b.length - a.length);
  task.memo.views.set('remedy-phrases', sorted);
  return sorted;
}

/** The text with every fix id and remedy kind taken out. */
function withoutRemedies(task: Task, normalized: string): string {
  let out = normalized;
  for (const p of remedyPhrases(task)) if (out.includes(p)) out = out.split(p).join(' ');
  return out;
}

/** How many faults the incident has (a seed task has one; a no-fault control none). */
export const faultCount = (task: Task) => task.roots.size - (task.roots.has('') ? 1 : 0);

export function readText(task: Task, text: string, kind: TextKind): Reading {
  const cache = task.memo.readings;
  const cacheKey = `${kind}|${text}`;
  const hit = cache.get(cacheKey) as Reading | undefined;
  if (hit) return hit;

  // Only a postmortem may be JSON; a note is always free text.
  const { form, sections: s } = kind === 'postmortem' ? sectionsOf(text) : { form: 'text' as const, sections: freeText(text) };
  // Sentences that rule a cause out ("the deploy was a red herring") neither claim nor earn anything.
  const asserted = new Set<keyof Sections>(['mechanism', 'trigger', 'remediation', 'all']);
  const normalized = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, asserted.has(k as keyof Sections) ? affirmative(v) : normalize(v)])) as unknown as Sections;
  const roots = claimedRootCauses(s.root_cause, [...task.serviceByName.keys()], form === 'structured', faultCount(task));
  // Naming a change one made (`flush_cache@…`) neither claims a mechanism nor states one. A
  // structured postmortem claims its mechanisms where it says what caused the incident (root
  // cause, mechanism, trigger); its impact, timeline and prevention describe symptoms, actions
  // and future work (a caller's saturated worker pool is a symptom there, not a claim).
  const claimed = form === 'structured' ? [normalized.root_cause, normalized.mechanism, normalized.trigger].join(' ') : normalized.all;
  const mechanismText = withoutRemedies(task, claimed);
  const mechanisms = claimedMechanisms(mechanismText);
  const { words, functionShare } = proseStats(s.all);

  const faults = faultCount(task);
  let flaw: string | null = null;
  let flawKind: Reading['flawKind'] = null;
  if (roots.length > Math.max(1, faults)) [flaw, flawKind] = [`names several root causes (${roots.join(', ')})`, 'hedge'];
  else if (mechanisms.length > faults + TEXT_RULES.extraMechanisms) [flaw, flawKind] = [`claims ${mechanisms.length} different failure mechanisms (${mechanisms.join(', ')})`, 'stuffing'];
  else if (words >= TEXT_RULES.keywordListMinWords && functionShare < TEXT_RULES.minFunctionShare) [flaw, flawKind] = [`reads as a keyword list, not sentences (${Math.round(functionShare * 100)}% function words)`, 'keywords'];
  else if (kind === 'postmortem' && words < TEXT_RULES.postmortemMinWords) [flaw, flawKind] = [`is too short to be a postmortem (${words} words)`, 'short'];

  const reading: Reading = { form, sections: s, normalized, roots, mechanisms, mechanismText, words, functionShare, flaw, flawKind, cited: citedEvidence(text) };
  cache.set(cacheKey, reading);
  return reading;
}


