/** Shared vocabulary of the scenario generator: tiers, topology nodes, fault families. */
import type { AlertSpecData, ConceptGroups } from '../scenario.js';
import type { RemedyKind } from './kinds.js';
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

export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export interface LogLine {
  /** Minutes relative to fault onset. */
  at: number;
  level: Level;
  msg: string;
  /** A line that by itself tells the mechanism; sampled telemetry may drop it. */
  key?: boolean;
  /**
   * A line the service keeps writing after detection: while its fault goes on (a failure), or
   * always (the ordinary errors of production, which no fix stops).
   */
  recurs?: 'with_fault' | 'always';
  /** The same failure as it recurs, written again (its numbers, ids and durations differ). */
  variants?: string[];
  /** Another fault's failure (by index) that this service writes too: it recurs while that fault goes on. */
  of?: number;
}

/** An alert rule on one metric of one service; it fires while the metric breaches the threshold. */
export type AlertRule = AlertSpecData;

export interface RemedyRef {
  kind: RemedyKind;
  target: string;
}

export interface FaultBuild {
  family: string;
  variant: string;
  root: string;
  team: string;
  remedy: RemedyRef;
  /** Changes that stop the bleeding without removing the cause: they end the symptoms, for partial credit. */
  mitigations?: RemedyRef[];
  /** Remedies a responder could reasonably pick from partial evidence. */
  decoys: RemedyRef[];
  /** Overview metrics of the root at full impact (merged over its baseline). */
  rootOverview: Record<string, number>;
  rootDetail: Record<string, number>;
  /**
   * Detail readings once the remedy is in (a raised limit reads raised). A reading that is
   * neither here nor in the tier's baseline is a constant (a configured pool size) and stays.
   */
  after?: Record<string, number>;
  rootLogs: LogLine[];
  /** The root's own alert (shown when the difficulty lets the root alert). */
  rootAlert: Omit<AlertRule, 'service'>;
  /** What a direct caller logs about the root. */
  callerLog(caller: Node, callee: Node): { level: Level; msg: string };
  /** Error rate and added p99 latency at the root's direct callers (decays with distance). */
  /** What the fault does to its callers; `cpu_pct` where the fault burns the direct callers' CPU (a backtracking regex they apply). */
  callerImpact: { error_rate: number; latency_ms: number; cpu_pct?: number };
  /**
   * A root reading that is an age (an open transaction's): by detection it has grown by the minutes
   * since the onset, and it goes on growing sixty seconds a minute until the remedy is in.
   */
  ageing?: string;
  /** Services that show the fault without calling the root (a queue filling behind a stuck consumer). */
  symptoms?: Symptom[];
  /**
   * The direct callers' calls to the root succeed: what fails is their own work with what it gave
   * them (a configuration they apply, a token or a password they present). No line of theirs
   * blames a call to the root, and no thread of theirs waits on it.
   */
  callsSucceed?: true;
  /**
   * The direct callers the fault reaches (every caller when absent): a broken DNS record fails only
   * the services that look up the name it broke.
   */
  reaches?: string[];
  /** Lines other services wrote that belong to the story (a dependency's brief blip that set it off). */
  aside?: { service: string; lines: LogLine[] }[];
  /**
   * A gray failure: the root answers from a fallback instead of failing, so its callers see
   * success (no errors, no added latency, no log lines); what falls is the business throughput of
   * every API above it (by `shortfall`, a share), and the root counts fallback answers.
   */
  silent?: { shortfall: number };
  mechanism: string;
  trigger: string;
  concepts: { mechanism: ConceptGroups; trigger: ConceptGroups; remediation: ConceptGroups };
  /**
   * Maskable families: the root's detail readings while the fault is in place but starved of
   * load (a lowered limit already reads lowered; usage is still low).
   */
  latent?: Record<string, number>;
  /**
   * The root's detail readings that stay while only a mitigation holds: the symptoms stop but the
   * cause is still there (a replica still lagging once its reads moved to the primary).
   */
  eased?: Record<string, number>;
}

export interface Symptom {
  service: string;
  overview: Record<string, number>;
  /** Overview readings as a share of the service's usual ones (traffic that fell to a tenth: 0.1). */
  share?: Record<string, number>;
  detail: Record<string, number>;
  log: { level: Level; msg: string };
  alert: Omit<AlertRule, 'service'>;
}

export interface FamilyContext {
  rng: Rng;
  topo: Topology;
  root: Node;
  split: Split;
  variant: string;
}

export interface Variant {
  id: string;
  /** Splits the variant appears in (both when absent): test-only variants measure generalisation. */
  splits?: readonly Split[];
}

export interface Family {
  id: string;
  title: string;
  /** Tiers where this fault can start. */
  rootTiers: readonly Tier[];
  /** Other tiers the topology must contain. */
  requires?: readonly Tier[];
  /** Failure signatures; each draws different evidence for the same family. */
  variants: readonly Variant[];
  /**
   * What a statement must say to claim this mechanism: every group present. Distinct across
   * families, so a text that claims several mechanisms is a hedge.
   */
  claim: ConceptGroups;
  /**
   * The fault bites only under load, so it can hide behind another: while a service that calls
   * it is failing, it sees too little traffic to show; fixing that service unmasks it (expert).
   */
  maskable?: boolean;
  /** What else a service must have around it to host this fault (a dependency a breaker can guard; a DNS server whose callers look up some other service). */
  hosts?(topo: Topology, n: Node): boolean;
  build(ctx: FamilyContext): FaultBuild;
}
