/**
 * What the stages of assembling a generated incident share: every service's draft and the
 * Assembly the stages read and fill in (generate.ts places the faults, distractions.ts adds the
 * noise of production).
 */
import type { FaultTruth, GeneratedParams } from '../scenario.js';
import type { Knobs } from './ladder.js';
import type { Rng } from './rng.js';
import type { AlertRule, FaultBuild, Level, LogLine, Node, RemedyRef, Topology } from './types.js';

/** Added latency at which calls into a failing service pile up in its callers' thread pools (slower than this, calls hang). */
export const SLOW_CALLS_MS = 1000;

export interface ServiceDraft {
  node: Node;
  /** Other faults that reach this service too (its symptoms last until every one is stopped). */
  also: number[];
  overview: Record<string, number>;
  detail: Record<string, number>;
  impacted: Record<string, number>;
  detailImpacted: Record<string, number>;
  logs: LogLine[];
  hop: number | null;
  fault: number | null;
  /** What it shows while a masked fault (by index) is the worse one. */
  profiles: Record<number, { impacted: Record<string, number>; detailImpacted: Record<string, number>; hop?: number }>;
  /** Lines it writes once a masked fault shows (`at`: minutes after unmasking), or once a remedy is tried too early. */
  late: (LogLine & { fault: number; after?: 'premature' })[];
  /** The root of a masked fault: readings until its own remedy. */
  latent: Record<string, number> | null;
  /** A root whose fault has mitigations: the readings that stay while only a mitigation holds. */
  eased?: Record<string, number>;
  /** Readings another fault (by index) adds on top of what shows here, for as long as that fault lasts. */
  burns?: Record<number, Record<string, number>>;
  /** A reading that is an age, growing while its fault goes on. */
  ageing?: { metric: string; fault: number };
  /** A queue (and its consumer) backed up since this many minutes before detection. */
  backlogSince?: number;
  /** An edge proxy that pages by its own timeouts where nothing else would: its errors are its own, not its upstreams' share. */
  ownPage?: boolean;
}

/**
 * What the stages of assembling an incident share: its inputs, the draws made before any fault is
 * placed, the services' drafts, and the rules, faults and decoys gathered so far. The stages run
 * in a fixed order (the seeded draws depend on it; the committed digest checks it).
 */
export interface Assembly {
  rng: Rng;
  topo: Topology;
  params: GeneratedParams;
  knobs: Knobs;
  builds: FaultBuild[];
  roots: Node[];
  maskedBy: readonly (number | undefined)[];
  hidden(fault: number | null): boolean;
  opaque: boolean[];
  isOpaque(fault: number | null): boolean;
  edgesAbove(root: string): string[];
  flooded: boolean[];
  onsetBefore: number;
  detectedMinute: number;
  onsetMinute: number;
  drafts: Map<string, ServiceDraft>;
  salt: string;
  /** Every service's address (unique within the incident). */
  addresses: ReadonlyMap<string, string>;
  seen(line: { level: Level; msg: string }, peer: Node): { level: Level; msg: string };
  rules: AlertRule[];
  userFacing: Set<string>;
  signalRules: (Omit<AlertRule, 'service'> & { tier: string })[];
  faults: FaultTruth[];
  decoys: RemedyRef[];
  /** Services a fault has reached by detection (a masked fault has reached none yet). */
  showing(d: ServiceDraft): boolean;
  /** A gray failure: its callers see success. */
  silent(fault: number | null): boolean;
  /** A fresh evidence id, unique within the incident. */
  evidenceId(text: string): string;
}
