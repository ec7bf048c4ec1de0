/**
 * The scenario format: everything that defines one incident, as plain data. Seed tasks are
 * written in it by hand; `compileScenario` derives the lookups the environment needs.
 */
import { LRUCache } from 'lru-cache';
import type { DIFFICULTIES } from './schemas.js';

export type Difficulty = (typeof DIFFICULTIES)[number];

export interface ServiceSpec {
  name: string;
  owner: string;
  depends_on: string[];
  /** Top-level metrics everyone sees from the start (a dashboard overview). */
  overview: Record<string, number>;
  /** Extra metrics revealed by investigating the service. */
  detail: Record<string, number>;
  /** Timestamped log lines revealed by investigating the service. */
  logs: string[];
  /** Overview after the correct fix has been applied (defaults to `overview`). */
  recovered?: Record<string, number>;
}

export interface FixSpec {
  id: string;
  /** What the responder sees happen when the fix is applied. */
  effect: string;
  /** A runbook-style description shown to the agent (generated incidents). */
  description?: string;
}

/** Concept groups: a group is present when any of its phrases occurs in the text. */
export type ConceptGroups = readonly (readonly string[])[];

export interface PostmortemSpec {
  mechanism: ConceptGroups;
  impact: ConceptGroups;
  remediation: ConceptGroups;
  prevention: ConceptGroups;
}

export type RubricItemSpec =
  | { id: string; kind: 'investigate'; service: string; weight: number; description: string }
  | { id: string; kind: 'identify_root_cause'; weight: number; description: string }
  | { id: string; kind: 'escalate'; weight: number; description: string }
  | { id: string; kind: 'fix'; weight: number; description: string }
  | { id: string; kind: 'postmortem'; weight: number; description: string };

/** One fault's ground truth (a generated incident may have none, one or two). */
export interface FaultTruth {
  family: string;
  /** The failure signature drawn for this fault. */
  variant: string;
  root_cause: string;
  team: string;
  fix: string;
  mechanism: string;
  trigger: string;
  /** Services that show symptoms, nearest first. */
  affected: string[];
  concepts: { mechanism: ConceptGroups; trigger: ConceptGroups; remediation: ConceptGroups };
  /** Evidence ids that tell this fault: the root's telling log lines and its metrics reading. */
  decisive: string[];
  /** Fixes that stop the symptoms without removing the cause (partial credit). */
  mitigations: string[];
  /** A masked fault: it shows only once this fault (by index) is stopped and load returns. */
  masked_by?: number;
  /**
   * Changes one of which must be in before the remedy (or a mitigation) holds: client retries
   * flood the root, so a restarted instance falls over before it is ready unless load is shed first.
   */
  needs_first?: string[];
}

/** A log line written after detection, once a masked fault shows: `offset` minutes after it was unmasked. */
export interface LateLine {
  fault: number;
  /** What starts the clock: the fault being unmasked (default), or its remedy tried before load was shed. */
  after?: 'premature';
  offset: number;
  second: number;
  id: string;
  level: string;
  msg: string;
}

/** How one service evolves: full-impact targets, and its distance (in calls) from the fault it shows. */
export interface ServiceDynamics {
  impacted: Record<string, number>;
  hop: number | null;
  fault: number | null;
  also: number[];
  detail_impacted: Record<string, number>;
  metrics_evidence: string;
  address: string;
  /**
   * An edge proxy that forwards each request to one upstream: at every minute its error rate (and
   * its upstream failure count) is its usual one plus its upstreams' failing share of its traffic.
   */
  forwards?: true;
  /** What this service shows while another fault (by index) is the worse one, when that differs. */
  /** (`hop`: how far that fault is from here, where it differs from the fault this service shows first.) */
  profiles?: Record<string, { impacted: Record<string, number>; detail_impacted: Record<string, number>; hop?: number }>;
  /** The root of a masked fault: its detail readings from the start until its own remedy. */
  latent?: Record<string, number>;
  /** A root whose cause outlives a mitigation: these detail readings stay while only a mitigation holds. */
  eased?: Record<string, number>;
  /**
   * Readings another fault (by index) adds on top of whichever fault shows here, fading with that
   * fault alone: a backtracking regex the service applies burns its CPU while it waits on another root.
   */
  burns?: Record<string, Record<string, number>>;
  /** A reading that is an age (an open transaction's): it grows sixty seconds a minute while `fault` goes on. */
  ageing?: { metric: string; fault: number };
  /** A backlog (a queue's, its consumer's lag) built up over this many minutes before detection. */
  backlog_since_min?: number;
  /** Lines written once a masked fault shows. */
  late?: LateLine[];
  /** Failure lines it keeps writing after detection while its fault goes on (each as first written). */
  recurring?: RecurringLine[];
}

/**
 * A line a service keeps writing after detection: the evidence id, level and message of its first
 * occurrence; `always` for production's ordinary errors, which recur whatever is fixed (the rest
 * recur while the service's fault goes on).
 */
export interface RecurringLine {
  id: string;
  level: string;
  msg: string;
  always?: true;
  /** The same line written again, as it recurs (numbers and ids differ); occurrences cycle through them. */
  variants?: string[];
  /** The fault (by index) whose failure it is, where that is not the service's own: it recurs while that fault goes on. */
  fault?: number;
}

/** An alert rule as data: it fires while `metric` of `service` breaches `threshold`. */
export interface AlertSpecData {
  service: string;
  metric: string;
  op: '>' | '<';
  threshold: number;
  severity: 'CRITICAL' | 'WARNING' | 'INFO';
  label: string;
}

export interface GeneratedParams {
  seed: number;
  difficulty: Difficulty;
  family: string | null;
  split: 'train' | 'test';
}

/** How a generated incident evolves with simulated time. */
export interface Dynamics {
  /** Wall-clock time at detection (minute 0 of the episode). */
  detected_at: string;
  /** Minutes between fault onset and detection. */
  onset_before_detection: number;
  /** Per service: full-impact overview targets, and distance (in calls) from the fault it shows. */
  services: Record<string, ServiceDynamics>;
  /** Symptoms spread one more hop up the call graph every this many minutes. */
  spread_every_min: number;
  initial_depth: number;
  /** Error budget burned per minute while users are hurt as badly as at detection (percent). */
  burn_per_min: number;
  /** The services users call (the edge and what it calls): the error budget burns on their readings. */
  user_facing: string[];
  /** Running the budget out before every fault is stopped breaches the SLO (graded). */
  slo_breach: boolean;
  /** Minutes metrics take to recover after the right fix. */
  recovery_min: number;
  /** Every alert rule; alerts are rendered from the simulated metrics at each step. */
  alert_rules: AlertSpecData[];
  /** Minutes the oracle needs to mitigate everything: the efficiency reference. */
  reference_minutes: number;
  /**
   * What a change does while it lasts: added error rate on some services (its damage), counters of
   * its own, and (`relief`) the request rate it caps services at (shedding at an edge takes the
   * retried flood off the roots below it).
   */
  consequences: Record<string, { services: string[]; error_rate: number; minutes: number; label: string; detail?: Record<string, number>; relief?: Record<string, number> }>;
  fix_minutes: Record<string, number>;
  /** Fixes a responder could reasonably pick from partial evidence (the plausible-remedies measure). */
  decoys: string[];
  /** No-fault controls: a self-resolving blip (errors fade to nothing by `until_minute`). */
  transient: { service: string; error_rate: number; until_minute: number } | null;
  /** What the service a change is made to logs when it is made, per fix id (its evidence id known from the start). */
  changes: Record<string, { id: string; msg: string }>;
}

interface ScenarioCommon {
  id: string;
  title: string;
  difficulty: Difficulty;
  description: string;
  max_steps: number;
  services: ServiceSpec[];
  teams: string[];
  fixes: FixSpec[];
  /** Revealed once the episode ends (a generated double fault joins both faults' values). */
  truth: { root_cause: string; team: string; fix: string; mechanism: string };
}

/** A fixed seed task: hand-written alerts, a rubric with the seed's weights, a postmortem checklist. */
export interface SeedScenario extends ScenarioCommon {
  kind: 'seed';
  /** The fault family the incident belongs to (for the one text reader). */
  family: string;
  alerts: string[];
  /** Alerts shown once the correct fix is in. */
  resolved_alerts: string[];
  rubric: RubricItemSpec[];
  postmortem: PostmortemSpec;
  generated?: never;
}

/** A generated incident: parameters, every fault, time dynamics; alerts come from the dynamics. */
export interface GeneratedScenario extends ScenarioCommon {
  kind: 'generated';
  generated: { params: GeneratedParams; faults: FaultTruth[]; dynamics: Dynamics };
}

/** The two kinds of task behind one interface: the state machine is the same for both. */
export type Scenario = SeedScenario | GeneratedScenario;

/** The seed scenario of a task, for code paths only seed tasks take. */
export function seedScenario(task: Task): SeedScenario {
  if (task.scenario.kind !== 'seed') throw new Error(`${task.scenario.id} is not a seed task`);
  return task.scenario;
}

/** A scenario plus the derived data the environment reads on every step. */
export interface Task {
  scenario: Scenario;
  serviceByName: ReadonlyMap<string, ServiceSpec>;
  teamSet: ReadonlySet<string>;
  fixById: ReadonlyMap<string, FixSpec>;
  /** Sorted, so that the list order never hints at the answer. */
  availableActions: readonly string[];
  serviceInfo: readonly { name: string; owner: string; depends_on: string[] }[];
  overview: Readonly<Record<string, Record<string, number>>>;
  recoveredOverview: Readonly<Record<string, Record<string, number>>>;
  /** Ground truth as sets, for one fault or several. */
  roots: ReadonlySet<string>;
  rightTeams: ReadonlySet<string>;
  rightFixes: ReadonlySet<string>;
  /** Generated incidents: fixes that stop a fault's symptoms without removing its cause. */
  mitigations: ReadonlySet<string>;
  /** Changes a remedy needs in first (load shed at the edge): neither a remedy nor a wrong change. */
  prerequisites: ReadonlySet<string>;
  /** Generated incidents: evidence id -> where it was found. */
  evidence: ReadonlyMap<string, { service: string }>;
  /** Generated incidents: the evidence id of each service's detailed metrics reading. */
  metricEvidence: ReadonlyMap<string, string>;
  /** Generated incidents: each remediation kind on the menu with its description, sorted by kind (empty for seed tasks). */
  remedyKinds: Readonly<Record<string, string>>;
  /** Generated incidents: the services with a certificate-lifetime reading, a clock that falls every minute. */
  clocked: readonly string[];
  /** Generated incidents: readings that are ages (an open transaction's), growing while their fault goes on. */
  aged: readonly { service: string; metric: string; fault: number }[];
  /**
   * Memoised pure derivations (bounded): observation parts by what has been investigated,
   * postmortem assessments by text, and generated incidents' readings and alerts by the simulated
   * state that decides them. Same inputs, same outputs; never part of any state.
   */
  memo: {
    views: LRUCache<string, {}>;
    readings: LRUCache<string, {}>;
    states: LRUCache<string, {}>;
    /**
     * The simulated state per minute for one list of changes (an episode's `fixes`, which stays the
     * same array until a change is made): most steps look a state up here without building its key.
     * Entries go with the array.
     */
    byChanges: WeakMap<readonly object[], Map<number, {}>>;
    /** A service's log as searched at a minute, per list of changes (as `byChanges`): an open search shows the same lines every step. */
    logsByChanges: WeakMap<readonly object[], Map<string, Map<number, string[]>>>;
  };
}

/** How many memoised derivations of each kind a compiled task keeps (least recently used go first). */
export const MEMO_LIMITS = { views: 4096, readings: 256, states: 128 } as const;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A certificate's remaining lifetime: a clock, not a gauge (it falls sixty seconds a minute). */
export const CLOCK_READING = 'cert_seconds_remaining';

export function compileScenario(scenario: Scenario): Task {
  const services = [...scenario.services].sort((a, b) => byName(a.name, b.name));
  const teams = [...scenario.teams].sort(byName);
  const fixes = [...scenario.fixes].sort((a, b) => byName(a.id, b.id));
  const availableActions = [
    ...services.map((s) => `investigate:${s.name}`),
    ...teams.map((t) => `escalate:${t}`),
    ...fixes.map((f) => `apply_fix:${f.id}`),
    'postmortem:<text>',
    'no_op',
  ];
  const overview: Record<string, Record<string, number>> = {};
  const recoveredOverview: Record<string, Record<string, number>> = {};
  for (const s of services) {
    overview[s.name] = s.overview;
    recoveredOverview[s.name] = s.recovered ?? s.overview;
  }
  const faults = scenario.generated?.faults ?? [{ root_cause: scenario.truth.root_cause, team: scenario.truth.team, fix: scenario.truth.fix }];
  const evidence = new Map<string, { service: string }>();
  const metricEvidence = new Map<string, string>();
  if (scenario.generated) {
    for (const s of services) {
      for (const line of s.logs) {
        const id = evidenceIdOf(line);
        if (id) evidence.set(id, { service: s.name });
      }
      for (const late of scenario.generated.dynamics.services[s.name]!.late ?? []) evidence.set(late.id, { service: s.name });
      for (const [fix, change] of Object.entries(scenario.generated.dynamics.changes)) if (fix.endsWith(`@${s.name}`)) evidence.set(change.id, { service: s.name });
      const id = scenario.generated.dynamics.services[s.name]!.metrics_evidence;
      metricEvidence.set(s.name, id);
      evidence.set(id, { service: s.name });
    }
  }
  // Derived once here, not looked up on every step.
  const kinds: Record<string, string> = {};
  if (scenario.generated) for (const f of fixes) kinds[f.id.slice(0, f.id.indexOf('@'))] ??= f.description ?? '';
  const reads = (detail: Record<string, number>) => detail[CLOCK_READING] !== undefined;
  const clocked = scenario.generated
    ? services
        .filter((s) => {
          const dyn = scenario.generated!.dynamics.services[s.name]!;
          return reads(s.detail) || reads(dyn.detail_impacted) || Object.values(dyn.profiles ?? {}).some((p) => reads(p.detail_impacted));
        })
        .map((s) => s.name)
    : [];
  const aged = scenario.generated ? services.flatMap((s) => {
    const a = scenario.generated!.dynamics.services[s.name]!.ageing;
    return a ? [{ service: s.name, ...a }] : [];
  }) : [];
  return {
    scenario,
    remedyKinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => byName(a, b))),
    clocked,
    aged,
    roots: new Set(faults.map((f) => f.root_cause)),
    rightTeams: new Set(faults.map((f) => f.team)),
    rightFixes: new Set(faults.map((f) => f.fix)),
    mitigations: new Set(scenario.generated?.faults.flatMap((f) => f.mitigations) ?? []),
    prerequisites: new Set(scenario.generated?.faults.flatMap((f) => f.needs_first ?? []) ?? []),
    evidence,
    metricEvidence,
    memo: { views: new LRUCache({ max: MEMO_LIMITS.views }), readings: new LRUCache({ max: MEMO_LIMITS.readings }), states: new LRUCache({ max: MEMO_LIMITS.states }), byChanges: new WeakMap(), logsByChanges: new WeakMap() },
    serviceByName: new Map(services.map((s) => [s.name, s])),
    teamSet: new Set(teams),
    fixById: new Map(fixes.map((f) => [f.id, f])),
    availableActions,
    serviceInfo: services.map((s) => ({ name: s.name, owner: s.owner, depends_on: s.depends_on })),
    overview,
    recoveredOverview,
  };
}

/** Log lines of generated incidents start with an evidence id: "[ev-1a2b] 2026-...". */
export function evidenceIdOf(line: string): string | null {
  if (!line.startsWith('[ev-')) return null;
  const end = line.indexOf(']');
  return end > 0 ? line.slice(1, end) : null;
}
