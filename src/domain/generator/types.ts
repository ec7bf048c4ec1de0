/** Shared vocabulary of the scenario generator: tiers, topology nodes, fault families. */
import type { ConceptGroups } from '../scenario.js';
import type { Rng } from './rng.js';

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export type Tier = 'edge' | 'api' | 'worker' | 'cache' | 'db' | 'queue' | 'config' | 'secrets' | 'auth' | 'dns' | 'thirdparty';

export interface Node {
  name: string;
  tier: Tier;
  owner: string;
  depends_on: string[];
  /** The business domain word the name was built from (orders, ledger, ...). */
  domain: string;
  replicas: number;
}

export interface Topology {
  nodes: Node[];
  byName: ReadonlyMap<string, Node>;
  /** Services that call `name` directly. */
  callers(name: string): Node[];
  teams: string[];
}

export type Level = 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export interface LogLine {
  /** Minutes relative to fault onset. */
  at: number;
  level: Level;
  msg: string;
}

export interface FixConsequence {
  service: string;
  error_rate: number;
  minutes: number;
  alert: string;
}

export interface GeneratedFix {
  id: string;
  description: string;
  effect: string;
  consequence?: FixConsequence;
  /** Minutes it takes to apply. */
  minutes: number;
}

export interface FaultBuild {
  family: string;
  root: string;
  team: string;
  fix: GeneratedFix;
  wrongFixes: GeneratedFix[];
  /** Overview metrics of the root at full impact (merged over its baseline). */
  rootOverview: Record<string, number>;
  rootDetail: Record<string, number>;
  rootLogs: LogLine[];
  rootAlert: { severity: 'CRITICAL' | 'WARNING'; text: string };
  /** What a caller logs about the dependency on the path to the root. */
  callerLog(caller: Node, callee: Node): { level: Level; msg: string };
  /** Error rate and added p99 latency at the root's direct callers (decays with distance). */
  callerImpact: { error_rate: number; latency_ms: number };
  /** Services that show the fault without calling the root (a queue filling behind a stuck consumer). */
  symptoms?: Symptom[];
  mechanism: string;
  trigger: string;
  concepts: { mechanism: ConceptGroups; trigger: ConceptGroups; remediation: ConceptGroups };
}

export interface Symptom {
  service: string;
  overview: Record<string, number>;
  detail: Record<string, number>;
  log: { level: Level; msg: string };
  alert: { severity: 'CRITICAL' | 'WARNING'; text: string };
}

export interface FamilyContext {
  rng: Rng;
  topo: Topology;
  root: Node;
  split: Split;
}

export interface Family {
  id: string;
  title: string;
  /** Tiers where this fault can start. */
  rootTiers: readonly Tier[];
  /** Other tiers the topology must contain. */
  requires?: readonly Tier[];
  build(ctx: FamilyContext): FaultBuild;
}
