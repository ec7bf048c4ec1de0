/**
 * Every number that turns actions into rewards and scores, in one table. The seed tasks use
 * the seed README's reward table and rubric penalties; generated incidents use stage grading
 * and reward shaping that carries no hidden information. The README's tables are tested
 * against this file.
 */

export const SCORE_MIN = 0.01;
export const SCORE_MAX = 0.99;

export const round = (x: number, digits = 4) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Every score is clamped strictly inside (0, 1). */
export const clampScore = (raw: number) => round(Math.min(SCORE_MAX, Math.max(SCORE_MIN, raw)));

/** The seed README's per-step reward table (seed tasks only). */
export const SEED_REWARDS = {
  investigateKeyMin: 0.15,
  investigateKeyMax: 0.3,
  investigateOther: 0.05,
  correctEscalation: 0.3,
  wrongEscalation: -0.1,
  correctFix: 0.4,
  wrongFix: -0.15,
  postmortemMax: 0.2,
  noOp: -0.1,
  repeatedNoOp: -0.2,
  completionBonus: 0.2,
  maxStepsExceeded: -0.05,
  afterDone: 0.01,
  /** Seed dialect: a service that does not exist is looked for, in vain. */
  unknownService: -0.05,
} as const;

/**
 * Generated incidents: step rewards say nothing about the answer. Looking at a service for the
 * first time pays the same whatever the service; pages, changes and the postmortem pay nothing
 * until the end, when the graded score is paid as the terminal reward.
 */
export const GENERATED_REWARDS = {
  newEvidence: 0.02,
  repeatInvestigation: 0,
  page: 0,
  change: 0,
  postmortem: 0,
  noOp: -0.1,
  repeatedNoOp: -0.2,
  afterDone: 0.01,
} as const;

/** From this many consecutive no_ops on, each one costs the repeated-no_op penalty. */
export const NOOP_STREAK_LIMIT = 3;

/** Seed-task rubric penalties and shares. */
export const SEED_GRADING = {
  /** Score cost of each page to a team that does not own the root cause. */
  wrongEscalation: 0.1,
  /** Score cost of each remediation that is not the remedy. */
  wrongFix: 0.15,
  /** Share of an escalation's or fix's weight earned when the root cause was never looked at first. */
  blindShare: 0.5,
  /** A postmortem of at least this quality counts as written well enough to complete the task. */
  postmortemPass: 0.5,
} as const;

/** Generated incidents: the weight of each stage in the score. */
/** Arithmetic mean; `empty` is what an empty list means where it is used (0 unless said). */
export const mean = (xs: readonly number[], empty = 0) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : empty);

export const STAGE_WEIGHTS = { localize: 0.25, diagnose: 0.15, escalate: 0.15, mitigate: 0.25, postmortem: 0.1, efficiency: 0.1 } as const;
export type Stage = keyof typeof STAGE_WEIGHTS;

export const STAGE_RULES = {
  /** Localization credit for having looked at the root cause without naming it. */
  investigatedOnly: 0.1,
  /** Credit for the right page or fix made without having looked at the root cause. */
  blindCredit: 0.25,
  /** Escalate stage cost of each page to a team that owns no fault. */
  overPage: 0.25,
  /** Mitigate stage cost of each change that is not a remedy... */
  wrongChange: 0.3,
  /** ...and more when the change did damage of its own. */
  collateralDamage: 0.1,
  /** Share of the mitigate stage kept when the error budget ran out before every fault was stopped. */
  breachShare: 0.5,
  /** Mitigate stage cost of a remedy tried before what it needs first (it did not hold, and its logs had warned). */
  prematureChange: 0.2,
  /** Share of the mitigate stage a mitigation earns (it stops the symptoms, not the cause). */
  mitigationShare: 0.5,
  /** No-fault controls: each page or change costs this much of its stage. */
  controlAction: 0.5,
  /** No-fault controls: minutes within which closing the incident counts as efficient. */
  controlMinutes: 15,
} as const;

/** Rules for every text an agent submits (escalation and fix details, postmortems). */
export const TEXT_RULES = {
  /** The most a postmortem can earn when it is flawed or names a wrong root cause. */
  flawedCap: 0.25,
  /** Fewer words than this cannot be a postmortem. */
  postmortemMinWords: 15,
  /**
   * Texts of at least this many words are checked for being a keyword list (a terse note of fewer,
   * "revert rev 3741, whose regex filter pegs the workers", is prose; a shorter list cannot stuff
   * many mechanisms without the stuffing rule catching it).
   */
  keywordListMinWords: 12,
  /** Below this share of function words ("the", "was", "to"...), a text is a keyword list, not prose. */
  minFunctionShare: 0.08,
  /**
   * A text may claim at most this many failure mechanisms more than there are faults: an honest
   * report of a cascade describes downstream effects that read like other mechanisms.
   */
  extraMechanisms: 2,
} as const;

/** Seed postmortem checklist. */
export const SEED_POSTMORTEM_PARTS = { root_cause: 0.3, mechanism: 0.25, impact: 0.15, remediation: 0.15, prevention: 0.15 } as const;

/** Generated postmortem checklist; cited evidence scales it. */
export const INCIDENT_REPORT_PARTS = { root_cause: 0.25, mechanism: 0.2, trigger: 0.1, impact: 0.15, timeline: 0.1, remediation: 0.1, prevention: 0.1 } as const;
export const CITATION_RULES = {
  /** Share of the checklist earned without citing retrieved evidence. */
  uncitedShare: 0.8,
  /** Retrieved evidence ids needed for the full citation bonus. */
  fullCitations: 2,
  /** Cost of each cited id the agent never retrieved. */
  unretrievedCost: 0.1,
} as const;
