/**
 * Reading an agent's free text: which service it names as the root cause, and which concepts
 * it states. Everything here is linear-time scanning (indexOf and bounded slices), so no input
 * can make it slow.
 */
import type { ConceptGroups } from './scenario.js';

/** Lower-case and fold every run of whitespace, `_` and `-` into one space. */
export function normalize(text: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of text.toLowerCase()) {
    if (ch === ' ' || ch === '_' || ch === '-' || ch === '\n' || ch === '\t' || ch === '\r') {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += ch;
  }
  return out;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[a-z0-9]/.test(ch);

/** Positions where `needle` starts a word in `hay` (prefix matches allowed). */
function wordStarts(hay: string, needle: string): number[] {
  const found: number[] = [];
  if (needle.length === 0) return found;
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) return found;
    if (!isWordChar(hay[at - 1])) found.push(at);
    from = at + 1;
  }
}

/**
 * Positions where `needle` occurs as whole words ("auth service 2" contains "auth service"),
 * except as part of a host name ("secrets manager.internal" names a host, not the service).
 */
function wholeWords(hay: string, needle: string): number[] {
  return wordStarts(hay, needle).filter((at) => {
    const after = hay[at + needle.length];
    return !isWordChar(after) && !(after === '.' && isWordChar(hay[at + needle.length + 1]));
  });
}

export function containsPhrase(normalizedText: string, phrase: string): boolean {
  return wordStarts(normalizedText, normalize(phrase)).length > 0;
}

/** Fraction of concept groups of which at least one phrase occurs. */
export function conceptCoverage(normalizedText: string, groups: ConceptGroups): number {
  if (groups.length === 0) return 1;
  let hit = 0;
  for (const group of groups) if (group.some((p) => containsPhrase(normalizedText, p))) hit++;
  return hit / groups.length;
}

/** Split on sentence ends (. ! ? followed by space or end), semicolons and newlines. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    const end =
      ch === '\n' || ch === ';' || ((ch === '.' || ch === '!' || ch === '?') && (next === undefined || /\s/.test(next)));
    if (end) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out.map(normalize).filter((s) => s.length > 0);
}

const CAUSE_BEFORE = [
  'root cause',
  'caused by',
  'due to',
  'because of',
  'stemmed from',
  'stems from',
  'originated in',
  'originated from',
  'originated at',
  'originating in',
  'origin was',
  'origin is',
  'origin:',
  'culprit',
  'triggered by',
  'traced to',
  'traced back to',
  'attributed to',
  'fault was in',
  'fault is in',
  'fault lay in',
  'fault lies in',
].map(normalize);

const CAUSE_AFTER = [
  'caused',
  'causing',
  'was the root cause',
  'is the root cause',
  'was the origin',
  'is the origin',
  'triggered',
  'ran out of',
  'running out of',
  'hit its',
  'exhausted its',
  'pushed',
  'is out of',
  'was out of',
  'ran out',
  'leaks',
  'leaked',
  'is leaking',
].map(normalize);

/** How far (in characters) a cause phrase may stand from the service it attributes. */
const ATTRIBUTION_WINDOW = 60;
const NEGATION = /(\bnot|\bnever|n't|rather than|instead of|ruled out|excluding|unlike)( the)?\s*$/;

interface Mention {
  service: string;
  start: number;
  end: number;
  negated: boolean;
}

function mentionsIn(sentence: string, services: readonly string[]): Mention[] {
  const all: Mention[] = [];
  for (const service of services) {
    const needle = normalize(service);
    for (const start of wholeWords(sentence, needle)) {
      const before = sentence.slice(Math.max(0, start - 16), start);
      all.push({ service, start, end: start + needle.length, negated: NEGATION.test(before) });
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  // Drop a mention nested inside a longer one at the same place.
  return all.filter((m, i) => i === 0 || m.start >= all[i - 1]!.end);
}

/** A text that says nothing was broken names no root cause, whatever services it mentions. */
const NO_FAULT_SAID = /\b(no fault|no root cause|nothing was broken|no production fault|no broken component|nothing broke|false alarm|false positive|no real incident|not an incident)\b/;

const CONNECTOR = /^[\s,/]*(or|and|and or|either|maybe|possibly|perhaps|or maybe|or possibly)?[\s,/]*(either|maybe|possibly|perhaps)?[\s,/]*$/;

/**
 * The mention at `from` plus its neighbours joined to it only by connectors ("X or Y",
 * "X, Y and Z"), walking forwards (dir 1) or backwards (dir -1): a hedge names them all.
 */
function joinedChain(sentence: string, mentions: Mention[], from: number, dir: 1 | -1): Mention[] {
  const chain = mentions[from] && !mentions[from]!.negated ? [mentions[from]!] : [];
  for (let i = from; ; i += dir) {
    const a = mentions[i];
    const b = mentions[i + dir];
    if (!a || !b) break;
    const gap = dir === 1 ? sentence.slice(a.end, b.start) : sentence.slice(b.end, a.start);
    if (gap.length > 24 || !CONNECTOR.test(gap)) break;
    if (!b.negated) chain.push(b);
  }
  return chain;
}

/**
 * The services a text names as the root cause. Cause phrases ("root cause", "caused by",
 * "X caused", ...) attribute the nearest service; a text without any cause phrase is read as
 * naming every service it mentions. One service is a claim; several are a hedge.
 */
/**
 * The services a text names as the root cause. Cause phrases ("root cause", "caused by",
 * "X caused", ...) attribute the nearest service; a text without any cause phrase names its
 * subject: the first service it mentions, with any joined to it by "or"/"and" (a hedge names them
 * all). A text that says nothing was broken names none. One service is a claim; several are a hedge.
 */
/**
 * `field`: the text is a postmortem's own root-cause field, so a cause phrase attributes the first
 * service named after it in its sentence, however far ("The root cause was an outage of the
 * provider, reached through adyen-connector").
 */
/** Where a clause may open with its subject: after a comma or semicolon, an "and", an aside. */
const CLAUSE_OPENING = /(?:^|[,;)]|\band\b)\s*(?:and\s+)?(?:\(?(?:independently|separately|also|second(?:ly)?|in addition)\)?,?\s+)*(?:the\s+)?/g;
/** A clause that reports a consequence names a victim, not another root. */
const CONSEQUENCE = /\b(as a result|so|therefore|in turn|downstream|then|which|causing|because|after it|failed|failing|timed out|errors?|returned|returning|saw|showed|spiked|degraded|slowed|retried|retries|users?)\b/;

/**
 * A structured `root_cause` of an incident with several faults may give each root a clause of its
 * own ("A's certificate expired, and (independently) B's clock drifted"; "A clock skew (…) and B
 * thread pool exhaustion"): a clause that opens with a service, after a comma, a semicolon, a
 * closing parenthesis or "and", and reports no consequence names that service as a root too.
 */
function clauseSubjects(sentence: string, mentions: readonly Mention[]): string[] {
  const out: string[] = [];
  for (const m of sentence.matchAll(CLAUSE_OPENING)) {
    const at = m.index + m[0].length;
    const subject = mentions.find((x) => x.start === at && !x.negated);
    if (!subject) continue;
    const rest = sentence.slice(subject.end);
    const clause = rest.slice(0, rest.search(/[,;]|$/));
    // What the subject did is said in its first words ("B failed", "B's callers timed out"); a
    // failure further on is part of the mechanism ("B had a breaker stuck open: its probe failed").
    const opening = clause.split(/\s+/).slice(0, 7).join(' ');
    if (!CONSEQUENCE.test(opening)) out.push(subject.service);
  }
  return out;
}

export function claimedRootCauses(text: string, services: readonly string[], field = false, faults = 1): string[] {
  const claimed = new Set<string>();
  let subject: string[] = [];
  let sawCausePhrase = false;
  // A field that opens with a cause phrase naming nobody ("Root cause: two independent faults.")
  // names its roots in the sentence that follows.
  let pending = false;
  for (const sentence of sentences(text)) {
    const mentions = mentionsIn(sentence, services);
    if (pending && claimed.size === 0) {
      const first = mentions.findIndex((m) => !m.negated);
      if (first >= 0) for (const m of joinedChain(sentence, mentions, first, 1)) claimed.add(m.service);
    }
    pending = false;
    if (!subject.length) {
      const first = mentions.findIndex((m) => !m.negated);
      if (first >= 0) subject = joinedChain(sentence, mentions, first, 1).map((m) => m.service);
    }
    for (const marker of CAUSE_BEFORE) {
      for (const at of wordStarts(sentence, marker)) {
        sawCausePhrase = true;
        let from = at + marker.length;
        // "root cause of <the symptom>: <the cause>" / "... of X is Y": the cause follows the colon or the verb.
        if (sentence.slice(from).trimStart().startsWith('of ')) {
          const rest = sentence.slice(from);
          const joint = /:|\b(is|was|lies in|lay in)\b/.exec(rest);
          if (joint) from += joint.index + joint[0].length;
        }
        const first = mentions.findIndex((m) => m.start >= from && !m.negated);
        const target = mentions[first];
        if (target && (field || target.start - from <= ATTRIBUTION_WINDOW)) {
          for (const m of joinedChain(sentence, mentions, first, 1)) claimed.add(m.service);
        } else if (field && !target) pending = true;
      }
    }
    // A clause of the field (or a later sentence) that opens with another root: the second fault's own.
    if (field && faults > 1 && claimed.size > 0) for (const service of clauseSubjects(sentence, mentions)) claimed.add(service);
    mentions.forEach((m, i) => {
      const next = mentions[i + 1];
      const stop = Math.min(next ? next.start : sentence.length, m.end + ATTRIBUTION_WINDOW);
      const between = sentence.slice(m.end, stop);
      for (const marker of CAUSE_AFTER) {
        // "X was caused by Y" names Y (read by CAUSE_BEFORE), not X.
        if (wordStarts(between, marker).some((p) => !/^\s*by\b/.test(between.slice(p + marker.length)))) {
          sawCausePhrase = true;
          for (const c of joinedChain(sentence, mentions, i, -1)) claimed.add(c.service);
        }
      }
    });
  }
  // A text that says nothing was broken names no root, whatever it says about where symptoms showed.
  if (NO_FAULT_SAID.test(normalize(text))) return [];
  if (claimed.size > 0) return [...claimed].sort();
  if (sawCausePhrase) return [];
  return [...new Set(subject)].sort();
}

const FUNCTION_WORDS = new Set(
  ('a an the and or but so of to in on at by for from with without into onto over under after before during ' +
    'while when which that this these those it its is was were are be been being has had have do did does not ' +
    'no nor as than then there their they we our us he she his her them who what because since until i you my your ' +
    'all some any each every only also very can could will would should may might must up out off about through again ' +
    'vs via per both too if how why where here once still just more most other such same own whose whom within ' +
    'across between against like due upon among around along behind beyond despite toward towards though although ' +
    'unless whether either neither none nothing now yet instead').split(' '),
);

/**
 * Word count and the share of function words: prose has plenty, a keyword list has almost none.
 * Identifiers count as one word each ("tickets-mysql", "max_connections"), and tokens with digits
 * (numbers, evidence ids, versions) are not words at all, so terse technical prose reads as prose.
 */
export function proseStats(text: string): { words: number; functionShare: number } {
  const words: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/)) {
    const w = raw.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
    if (w.length === 0 || /\d/.test(w)) continue;
    words.push(w);
  }
  if (words.length === 0) return { words: 0, functionShare: 0 };
  let fn = 0;
  for (const w of words) if (FUNCTION_WORDS.has(w)) fn++;
  return { words: words.length, functionShare: fn / words.length };
}

/** Markers of a sentence that rules something out rather than asserting it. */
const DISMISSAL = /(\bnot|\bnever|n't) (the |a )?(root )?(cause|culprit|responsible|involved|related)|\b(ruled out|rule out|unrelated|red herring|benign|harmless|false lead|coincident|irrelevant|distractor|decoy|no role|played no part|did not cause|didn't cause|changed nothing|had no effect|made no difference)\b|\bno (recent |new )?(release|deploy|deployment|change)s? (caused|triggered|explains?)\b/;

/** The sentences of a text that assert something (those that rule a cause out are dropped). */
export function affirmative(text: string): string {
  return sentences(text).filter((x) => !DISMISSAL.test(x)).join('. ');
}
