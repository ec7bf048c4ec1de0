/**
 * The grader: a pure function of the scenario and the episode's record. Rubric items earn
 * their weight when met with evidence; wrong escalations and wrong fixes cost points, so blind
 * guessing scores low. Every item explains itself; reasons that name the ground truth are only
 * given once the episode is over.
 */
import { investigationOf, type Episode } from './episode.js';
import { assessPostmortem, type IncidentReportAssessment, type PostmortemAssessment } from './postmortem.js';
import { readText } from './reading.js';
import { gradeStages, ungradedItems } from './stage-grader.js';
import { seedScenario, type RubricItemSpec, type Task } from './scenario.js';
import type { Grade, GraderState, RubricItemResult } from './schemas.js';
import { SCORE_MAX, SCORE_MIN, SEED_GRADING, clampScore, round } from './scoring.js';

export { SCORE_MAX, SCORE_MIN };
export const WRONG_ESCALATION_PENALTY = SEED_GRADING.wrongEscalation;
export const WRONG_FIX_PENALTY = SEED_GRADING.wrongFix;
export const BLIND_SHARE = SEED_GRADING.blindShare;
export const POSTMORTEM_PASS = SEED_GRADING.postmortemPass;

export interface ItemOutcome {
  result: RubricItemResult;
  /** Decided for good: met, or lost in a way later actions cannot change. */
  settled: boolean;
}

export interface GradeReport extends Grade {
  grader_state: GraderState;
  /** Every rubric item is settled: the episode can end. */
  settled: boolean;
  /** Every rubric item is met. */
  success: boolean;
  postmortem: PostmortemAssessment | IncidentReportAssessment | null;
  /** Generated incidents: the score of each stage. */
  stages?: Record<string, number>;
}

interface Statement {
  step: number;
  source: string;
  claims: string[];
  flaw: string | null;
}

/** Every root-cause statement the agent made, in order (escalation and fix details, postmortems). */
function statements(task: Task, episode: Episode): Statement[] {
  if (episode.escalations.length + episode.fixes.length + episode.postmortems.length === 0) return [];
  const texts = [
    ...episode.escalations.map((e) => ({ step: e.step, source: `escalation to ${e.team}`, text: e.details })),
    ...episode.fixes.map((f) => ({ step: f.step, source: `fix ${f.fix}`, text: f.details })),
    ...episode.postmortems.map((p) => ({ step: p.step, source: 'postmortem', text: p.text })),
  ].filter((t) => t.text.trim().length > 0);
  texts.sort((a, b) => a.step - b.step);
  return texts
    .map((t) => ({
      step: t.step,
      source: t.source,
      ...claimsOf(task, t.text, t.source === 'postmortem' ? 'postmortem' : 'note'),
    }))
    .filter((s) => s.claims.length > 0);
}

/** A flawed text (a hedge, a keyword list) names every candidate it lists: a statement that cannot count. */
function claimsOf(task: Task, text: string, kind: 'note' | 'postmortem'): { claims: string[]; flaw: string | null } {
  const r = readText(task, text, kind);
  // Only a hedge or stuffing makes a statement fail; a terse note still names what it names.
  return { claims: r.roots, flaw: r.flawKind === 'hedge' || r.flawKind === 'stuffing' ? r.flaw : null };
}

function gradeItem(
  task: Task,
  episode: Episode,
  item: RubricItemSpec,
  postmortem: PostmortemAssessment | null,
  reveal: boolean,
  explain: boolean,
): ItemOutcome {
  const truth = task.scenario.truth;
  const rootSeen = investigationOf(episode, truth.root_cause);
  const hidden = (text: string) => (reveal ? text : '');
  // Explanations are built only when asked for (state, the end of an episode), not on every step.
  const result = (earned: number, met: boolean, why: () => string, settled: boolean): ItemOutcome => ({
    result: { id: item.id, description: item.description, weight: item.weight, earned: round(earned), met, why: explain ? why() : '' },
    settled,
  });

  switch (item.kind) {
    case 'investigate': {
      const seen = investigationOf(episode, item.service);
      return seen
        ? result(item.weight, true, () => `investigated ${item.service} at step ${seen.step}`, true)
        : result(0, false, () => `not investigated${hidden(`: ${item.service}`)}`, false);
    }
    case 'escalate':
    case 'fix': {
      const isEscalation = item.kind === 'escalate';
      const correct = isEscalation
        ? episode.escalations.find((e) => e.team === truth.team)
        : episode.fixes.find((f) => f.fix === truth.fix);
      const what = isEscalation ? `escalated to ${truth.team}` : `applied ${truth.fix}`;
      if (!correct) {
        const right = isEscalation ? `the owning team ${truth.team}` : `the remedy ${truth.fix}`;
        return result(0, false, () => `not done${hidden(`: ${right} was needed`)}`, false);
      }
      if (rootSeen && rootSeen.step < correct.step) {
        return result(item.weight, true, () => `${what} at step ${correct.step}, after investigating the root cause`, true);
      }
      return result(
        item.weight * BLIND_SHARE,
        true,
        () => `${what} at step ${correct.step} without having investigated the root cause first: ${BLIND_SHARE * 100}% credit`,
        true,
      );
    }
    case 'identify_root_cause': {
      const first = statements(task, episode)[0];
      if (!first) return result(0, false, () => 'no root cause stated yet', false);
      const where = `${first.source} at step ${first.step}`;
      if (first.claims.length > 1 || first.flaw) {
        return result(0, false, () => `the first root-cause statement (${where}) ${first.flaw ?? `names several candidates: ${first.claims.join(', ')}`}`, true);
      }
      if (first.claims[0] !== truth.root_cause) {
        return result(0, false, () => `the first root-cause statement (${where}) names ${first.claims[0]}${hidden(`, not ${truth.root_cause}`)}`, true);
      }
      if (!rootSeen || rootSeen.step > first.step) {
        return result(0, false, () => `${where} names the root cause before any evidence was gathered on it`, true);
      }
      return result(item.weight, true, () => `${where} names ${truth.root_cause} as the root cause, after investigating it`, true);
    }
    case 'postmortem': {
      if (!postmortem) return result(0, false, () => 'no postmortem submitted', false);
      const p = postmortem.parts;
      const detail = `root cause ${p.root_cause}, mechanism ${round(p.mechanism, 2)}, impact ${round(p.impact, 2)}, remediation ${round(p.remediation, 2)}, prevention ${round(p.prevention, 2)}`;
      const cap = postmortem.capped ? `; capped at 25% because it ${postmortem.capped}` : '';
      return result(
        item.weight * postmortem.quality,
        postmortem.quality >= POSTMORTEM_PASS,
        () => `quality ${postmortem.quality}${reveal ? ` (${detail})` : ''}${cap}`,
        true,
      );
    }
  }
}

/** `explain: false` skips the reasons (the hot path of a step); scores are the same either way. */
export function grade(task: Task, episode: Episode, explain = true): GradeReport {
  return task.scenario.generated ? gradeGenerated(task, episode) : gradeRubric(task, episode, explain);
}

function gradeGenerated(task: Task, episode: Episode): GradeReport {
  if (!episode.done) {
    // Nothing is graded before the end: mid-episode state is identical for every kind of incident.
    const grader_state: GraderState = { graded: false, investigated: episode.investigated.length, pages: episode.escalations.length, changes: episode.fixes.length, postmortems: episode.postmortems.length };
    return { score: SCORE_MIN, raw: 0, items: ungradedItems(), penalties: [], grader_state, settled: episode.postmortems.length > 0, success: false, postmortem: null };
  }
  const r = gradeStages(task, episode);
  const grader_state: GraderState = { graded: true };
  for (const [k, v] of Object.entries(r.stages)) grader_state[k] = round(v);
  grader_state.wrong_escalations = episode.escalations.filter((e) => !task.rightTeams.has(e.team)).length;
  grader_state.wrong_fixes = episode.fixes.filter((f) => !task.rightFixes.has(f.fix) && !task.mitigations.has(f.fix) && !task.prerequisites.has(f.fix)).length;
  grader_state.postmortem_quality = r.report?.quality ?? 0;
  return { score: r.score, raw: r.raw, items: r.items, penalties: r.penalties, grader_state, settled: true, success: r.success, postmortem: r.report, stages: r.stages };
}

function gradeRubric(task: Task, episode: Episode, explain: boolean): GradeReport {
  const truth = task.scenario.truth;
  const reveal = episode.done;
  const firstPostmortem = episode.postmortems[0];
  const postmortem = firstPostmortem ? assessPostmortem(task, firstPostmortem.text) : null;
  const outcomes = seedScenario(task).rubric.map((item) => gradeItem(task, episode, item, postmortem, reveal, explain));

  const penalties: Grade['penalties'] = [];
  for (const e of episode.escalations) if (e.team !== truth.team) penalties.push({ step: e.step, points: -WRONG_ESCALATION_PENALTY, reason: explain ? `paged ${e.team}, which does not own the root cause` : '' });
  for (const f of episode.fixes) if (f.fix !== truth.fix) penalties.push({ step: f.step, points: -WRONG_FIX_PENALTY, reason: explain ? `applied ${f.fix}, which is not the remedy` : '' });
  if (penalties.length > 1) penalties.sort((a, b) => a.step - b.step);

  const earned = outcomes.reduce((sum, o) => sum + o.result.earned, 0);
  const raw = round(earned + penalties.reduce((sum, p) => sum + p.points, 0));
  const score = clampScore(raw);

  const grader_state: GraderState = {};
  for (const o of outcomes) grader_state[o.result.id] = o.result.met;
  grader_state.wrong_escalations = episode.escalations.filter((e) => e.team !== truth.team).length;
  grader_state.wrong_fixes = episode.fixes.filter((f) => f.fix !== truth.fix).length;
  grader_state.postmortem_quality = postmortem ? postmortem.quality : 0;
  // The seed's own keys, kept for its clients.
  grader_state.correct_fix_applied = episode.fixes.some((f) => f.fix === truth.fix);
  grader_state.no_op_count = episode.history.filter((h) => h.action.action_type === 'no_op').length;

  return {
    score,
    raw,
    items: outcomes.map((o) => o.result),
    penalties,
    grader_state,
    settled: outcomes.every((o) => o.settled),
    success: outcomes.every((o) => o.result.met),
    postmortem,
  };
}
