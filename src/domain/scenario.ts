/**
 * The scenario format: everything that defines one incident, as plain data. Seed tasks are
 * written in it by hand; `compileScenario` derives the lookups the environment needs.
 */
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

export interface Scenario {
  id: string;
  title: string;
  difficulty: Difficulty;
  description: string;
  max_steps: number;
  services: ServiceSpec[];
  teams: string[];
  fixes: FixSpec[];
  alerts: string[];
  /** Alerts shown once the correct fix is in. */
  resolved_alerts: string[];
  truth: { root_cause: string; team: string; fix: string; mechanism: string };
  rubric: RubricItemSpec[];
  postmortem: PostmortemSpec;
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
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
  return {
    scenario,
    serviceByName: new Map(services.map((s) => [s.name, s])),
    teamSet: new Set(teams),
    fixById: new Map(fixes.map((f) => [f.id, f])),
    availableActions,
    serviceInfo: services.map((s) => ({ name: s.name, owner: s.owner, depends_on: s.depends_on })),
    overview,
    recoveredOverview,
  };
}
