/**
 * The scenario generator: (seed, difficulty, family, split) -> one incident in the scenario
 * format, byte for byte the same every time. Pure: all randomness comes from an Rng seeded by
 * the parameters.
 */
import type { Dynamics, FaultTruth, FixSpec, GeneratedParams, GeneratedScenario, LateLine, RecurringLine, ServiceDynamics, ServiceSpec } from '../scenario.js';
import { HEALTHY_READINGS, baselineDetail, baselineOverview } from './baseline.js';
import { FAMILIES, familyById, variantsFor } from './families/index.js';
import { silentFallback } from './families/silent-fallback.js';
import { CONFIG_PUSH_AT } from './families/bad-config-push.js';
import { REMEDY_KINDS, fixId, harmOf, kindsForTier } from './kinds.js';
import { SLOW_CALLS_MS, type Assembly, type ServiceDraft } from './assembly.js';
import { addDistractions } from './distractions.js';
import { KNOBS, type Knobs } from './ladder.js';
import { createRng, hash32, type Rng } from './rng.js';
import { drawTopology } from './topology.js';
import { METRIC_NAMES } from './vocabulary.js';
import type { AlertRule, FaultBuild, Family, Level, LogLine, Node, RemedyRef, Tier, Topology } from './types.js';
import { addressBook, byAddress, changeLine, floodedAgain, floodedLines, opaqueFailure, retryingWithoutBackoff, routineLine, upstreamFailure, type RoutineFacts } from './voice.js';

export const GENERATED_TASK_ID = 'generated';
/** Bumped whenever what a seed produces changes; a committed digest test catches an unintended change. */
export const GENERATOR_VERSION = '5.42.0';

/** Error-rate decay per extra hop from the root. */
const HOP_DECAY = 0.85;
/** Amplification towards the edge (hard, expert): the first caller sees this share of the impact... */
const AMPLIFY_FIRST_HOP = 0.55;
/** ...and each further hop this much more, up to the cap. */
const AMPLIFY_PER_HOP = 0.25;
const AMPLIFY_MAX = 1.3;
/** An edge proxy's traffic against the sum of its upstreams' (its own health checks and redirects on top). */
const EDGE_OWN_TRAFFIC = 1.05;
/** Extra errors (per mille) a quiet root shows in its overview: no more than background noise. */
const QUIET_EXTRA_ERRORS: [number, number] = [3, 14];
/** How far past the initial depth a service still counts as affected (for the impact checklist). */
const AFFECTED_EXTRA_HOPS = 3;
const ONSET_HOUR = 9;
const DAY_ZERO = Date.UTC(2026, 2, 14);
export const ESCALATE_MINUTES = 3;
/** Where a retry flood can build: services called by request, whose remedy replaces their instances. */
const FLOOD_TIERS = new Set(['api', 'auth']);
const FLOOD_REMEDIES = new Set(['rollback', 'restart', 'reschedule', 'scale_out']);
/** What a report of a flooded root's remediation says about shedding load. */
const SHED_CONCEPT = ['shed', 'shedding', 'load shedding', 'rate limit', 'rate limited', 'rate limiting', 'throttled', '429'];
/** A log search takes longer on a service with many dependencies (more call lines to read). */
export const logSearchMinutes = (dependencies: number) => 2 + Math.ceil(dependencies / 2);
/** Opening a service's dashboard of detailed metrics. */
export const METRICS_VIEW_MINUTES = 2;
/** An investigation fetches its view; without one, logs and metrics both, for the time of both. */
export const investigationMinutes = (dependencies: number, view?: 'logs' | 'metrics') =>
  view === 'logs' ? logSearchMinutes(dependencies) : view === 'metrics' ? METRICS_VIEW_MINUTES : logSearchMinutes(dependencies) + METRICS_VIEW_MINUTES;

function timestamp(minuteOfDay: number, second: number): string {
  return new Date(DAY_ZERO + Math.round(minuteOfDay) * 60_000 + second * 1000).toISOString().replace('.000Z', 'Z');
}

/** Which services a fault reaches, and how far (in calls) each is from the root. */
export function hopsFrom(topo: { callers(name: string): readonly { name: string }[] }, root: string, firstHop?: readonly string[]): Map<string, number> {
  const hops = new Map<string, number>([[root, 0]]);
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const caller of topo.callers(current)) {
      if (current === root && firstHop && !firstHop.includes(caller.name)) continue;
      if (!hops.has(caller.name)) {
        hops.set(caller.name, hops.get(current)! + 1);
        queue.push(caller.name);
      }
    }
  }
  return hops;
}

/** Calls between a service and the nearest user-facing one (the edge or what it calls directly). */
function depthBelowUsers(topo: Topology, name: string): number {
  const edge = topo.nodes.filter((n) => n.tier === 'edge');
  const facing = new Set(edge.flatMap((e) => [e.name, ...e.depends_on]));
  let best = Infinity;
  for (const [svc, hops] of hopsFrom(topo, name)) if (facing.has(svc)) best = Math.min(best, hops);
  return best === Infinity ? 0 : best;
}

/** Whether `n` calls a service of this tier (a database, a queue). */
const dependsOnTier = (topo: Topology, n: Node, tier: Tier) => n.depends_on.some((d) => topo.byName.get(d)?.tier === tier);

/** Whether a family's fault can start at `n`: the right tier, and what the family needs around it. */
function canRoot(topo: Topology, family: Family, n: Node): boolean {
  if (!family.rootTiers.includes(n.tier)) return false;
  if (family.hosts && !family.hosts(topo, n)) return false;
  if (family.requires?.includes('auth') && n.tier !== 'auth') return topo.callers(n.name).some((c) => c.tier === 'auth');
  if (family.requires?.includes('queue')) return dependsOnTier(topo, n, 'queue');
  if (family.requires?.includes('db')) return dependsOnTier(topo, n, 'db');
  return true;
}

function chooseRoot(rng: Rng, topo: Topology, family: Family, exclude: ReadonlySet<string>, rootDepth: number, claimed: ReadonlySet<string> = new Set(), accept: (n: Node) => boolean = () => true): Node | null {
  // Every root has a caller, so every fault cascades.
  // A second fault needs symptoms of its own: its root and some of its callers lie outside the first fault's reach.
  const candidates = topo.nodes.filter(
    (n) =>
      family.rootTiers.includes(n.tier) &&
      !exclude.has(n.name) &&
      !claimed.has(n.name) &&
      (topo.callers(n.name).some((c) => !claimed.has(c.name)) || n.tier === 'edge' || n.tier === 'worker'),
  );
  const valid = candidates.filter((n) => canRoot(topo, family, n) && accept(n));
  if (!valid.length) return null;
  // Prefer roots at least `rootDepth` calls below the user-facing services; else the deepest there are.
  const depth = new Map(valid.map((n) => [n.name, depthBelowUsers(topo, n.name)]));
  const deepEnough = valid.filter((n) => depth.get(n.name)! >= rootDepth);
  const deepest = Math.max(...depth.values());
  return rng.pick(deepEnough.length ? deepEnough : valid.filter((n) => depth.get(n.name) === deepest));
}

function requiredTiers(rng: Rng, families: Family[]) {
  return families.flatMap((f) => [rng.pick(f.rootTiers), ...(f.requires ?? [])]);
}

/** Tiers whose services call others (a masked fault can hide below them). */
const CALLING_TIERS = new Set(['edge', 'api', 'worker', 'auth']);

/** Services that page on user-facing symptoms: the edge and what it calls directly. */
const SLO_TIERS = new Set(['edge', 'api', 'auth', 'worker', 'thirdparty']);

/** An API's business transactions completed, as a share of the same minutes last week (every API's dashboard). */
export const THROUGHPUT = 'transactions_vs_last_week_pct';
/** User-facing APIs page when it falls below this share. */
const THROUGHPUT_FLOOR = 60;

/** What a service's own detail metrics count when a share of its work fails. */
function failureCounters(d: { node: Node; overview: Record<string, number>; detail: Record<string, number> }, errorRate: number): Record<string, number> {
  const perMin = Math.round(d.overview.requests_per_sec! * 60 * errorRate);
  switch (d.node.tier) {
    case 'api':
      // A failed request is a business transaction lost.
      return { http_5xx_per_min: perMin, [THROUGHPUT]: Math.round(d.detail[THROUGHPUT]! * (1 - errorRate)) };
    case 'auth':
      return { token_failures_per_min: d.detail.token_failures_per_min! + Math.round(d.detail.tokens_issued_per_min! * errorRate) };
    case 'edge':
      return { upstream_5xx_per_min: perMin };
    case 'worker':
      return { jobs_failed_per_min: Math.round(d.detail.jobs_per_min! * errorRate) };
    case 'thirdparty':
      // A connector's provider answers what its callers do not fail (a rejected key: every failure a 401).
      return { upstream_2xx_ratio: Math.round((1 - errorRate) * 1000) / 1000, upstream_401_per_min: perMin };
    default:
      return {};
  }
}

/** Minutes after the onset at which a fault's own symptoms (a queue backing up) are first logged. */
const SYMPTOM_LOGGED_AT = 2;

/** Queues page when their consumers are this many seconds behind (five minutes of work). */
const CONSUMER_LAG_ALERT_S = 300;

/**
 * The queue a failing consumer reads from backs up by what the consumer has not taken since it
 * began failing: its usual rate a minute times the share it fails, for every minute (a stalled
 * consumer falls a minute behind every minute; its lag in seconds says so). A consumer failing a
 * small share has been failing longer by the time its lag pages.
 */
function queueBehind(queue: ServiceDraft, consumer: ServiceDraft, split: 'train' | 'test', share: number, minutes: number, loggedBefore: number) {
  const rate = consumer.detail.jobs_per_min ?? 0;
  const behind = Math.round(rate * share * minutes);
  const lag = Math.round(share * minutes * 60);
  // Its warning, written `loggedBefore` minutes before detection, counts what was behind then.
  const then = Math.round(rate * share * Math.max(1, minutes - loggedBefore));
  const count = then >= 10_000 ? `${Math.round(then / 1000)}k` : String(then);
  const stalled = share >= 0.99;
  return {
    service: queue.node.name,
    overview: { error_rate: 0.002 },
    detail: { queue_depth: (queue.detail.queue_depth ?? 0) + behind, consumer_lag_s: lag },
    log: {
      level: 'WARN' as const,
      msg: split === 'train' ? `consumer group ${consumer.node.name} lag growing: ${count} messages behind` : `queue for ${consumer.node.name}: ${count} ready, ${stalled ? '1 unacked, consumer utilisation 0%' : 'consumer utilisation low'}`,
    },
    alert: { metric: 'consumer_lag_s', op: '>' as const, threshold: CONSUMER_LAG_ALERT_S, severity: 'WARNING' as const, label: 'consumer lag above 5 minutes' },
  };
}

/** A draft's dynamics; the masked-fault fields only where they apply, so other incidents stay lean. */
function serviceDynamics(d: ServiceDraft, metricsEvidence: string, address: string, late: LateLine[], recurring: RecurringLine[]): ServiceDynamics {
  const profiles = Object.entries(d.profiles).map(([fault, p]) => [fault, { impacted: p.impacted, detail_impacted: p.detailImpacted, ...(p.hop !== undefined ? { hop: p.hop } : {}) }] as const);
  return {
    impacted: d.impacted,
    hop: d.hop,
    fault: d.fault,
    also: d.also,
    detail_impacted: d.detailImpacted,
    metrics_evidence: metricsEvidence,
    address,
    ...(profiles.length ? { profiles: Object.fromEntries(profiles) } : {}),
    ...(d.latent ? { latent: d.latent } : {}),
    ...(d.eased ? { eased: d.eased } : {}),
    ...(d.burns ? { burns: d.burns } : {}),
    ...(d.ageing ? { ageing: d.ageing } : {}),
    ...(d.backlogSince !== undefined ? { backlog_since_min: d.backlogSince } : {}),
    ...(late.length ? { late } : {}),
    ...(recurring.length ? { recurring } : {}),
    // An edge proxy forwards each request to one upstream: its errors are, minute by minute, its upstreams' share.
    ...(d.node.tier === 'edge' && d.hop !== 0 && !d.ownPage ? { forwards: true as const } : {}),
  };
}

export function generateScenario(given: GeneratedParams): GeneratedScenario {
  // One key order, however the parameters arrived: the same incident serialises to the same bytes.
  const params: GeneratedParams = { seed: given.seed, difficulty: given.difficulty, family: given.family ?? null, split: given.split };
  const { seed, difficulty, split } = params;
  const knobs = KNOBS[difficulty];
  const rng = createRng(`incident|v${GENERATOR_VERSION}|${split}|${difficulty}|${params.family ?? '*'}|${seed}`);

  const pinned = params.family ? familyById(params.family) : undefined;
  if (params.family && !pinned) throw new Error(`unknown family ${params.family}`);
  const control = !pinned && rng.chance(knobs.control);
  // A gray failure leads (its root still calls the dependency a masked fault would need starved of load: never masked).
  const gray = !pinned && !control && rng.chance(knobs.silent);
  const masked = !control && !gray && pinned !== silentFallback && rng.chance(knobs.masked);
  const double = !control && !masked && rng.chance(knobs.double);
  // A masked fault hides below a root that calls other services.
  // Gray failures are a rung of their own (hard on): below it they are drawn only when pinned.
  const drawable = knobs.silent > 0 ? FAMILIES : FAMILIES.filter((f) => f !== silentFallback);
  const first = pinned ?? (gray ? silentFallback : rng.pick(masked ? FAMILIES.filter((f) => f.rootTiers.some((t) => CALLING_TIERS.has(t)) && f !== silentFallback) : drawable));
  let families: Family[] = control ? [] : [first];
  let placed: { topo: Topology; roots: Node[] } | null = null;
  let maskedBy: (number | undefined)[] = [];
  if (masked) {
    // A load-dependent fault on a dependency of the first root; a first root with none that fits is paired plainly.
    const hideable = FAMILIES.filter((f) => f !== first && f.maskable && !(first.requires ?? []).some((t) => f.rootTiers.includes(t)));
    for (const second of rng.shuffle(hideable)) {
      placed = placeMasked(rng, split, knobs, first, second);
      if (placed) {
        families = [first, second];
        maskedBy = [undefined, 0];
        break;
      }
    }
  }
  // A second family that cannot be placed apart from the first is swapped for another.
  const pair = double || (masked && !placed);
  const seconds = pair ? rng.shuffle(FAMILIES.filter((f) => f !== first)) : [];
  for (const second of placed ? [] : pair ? seconds.slice(0, 6) : [null]) {
    families = second ? [first, second] : families;
    placed = place(rng, split, knobs, families);
    if (placed) break;
  }
  if (!placed) throw new Error(`could not place the faults for seed ${seed}`);
  const { topo, roots } = placed;

  const builds: FaultBuild[] = families.map((f, i) => f.build({ rng, topo, root: roots[i]!, split, variant: rng.pick(variantsFor(f, split)).id }));
  return assemble(rng, topo, params, knobs, builds, roots, maskedBy);
}

/** A first root (placed as usual) with a dependency where the masked family can start. */
function placeMasked(rng: Rng, split: 'train' | 'test', knobs: Knobs, first: Family, hidden: Family): { topo: Topology; roots: Node[] } | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const size = rng.int(knobs.size[0], knobs.size[1]);
    const topo = drawTopology(rng, split, size, requiredTiers(rng, [first, hidden]), knobs.publicApis);
    const hosts = (n: Node) => n.depends_on.map((d) => topo.byName.get(d)!).filter((dep) => canRoot(topo, hidden, dep));
    const root = chooseRoot(rng, topo, first, new Set(), knobs.rootDepth, new Set(), (n) => hosts(n).length > 0);
    if (root) return { topo, roots: [root, rng.pick(hosts(root))] };
  }
  return null;
}

/** Draws topologies until every family finds a root apart from the others (almost always the first try). */
function place(rng: Rng, split: 'train' | 'test', knobs: Knobs, families: Family[]): { topo: Topology; roots: Node[] } | null {
  for (let attempt = 0; attempt < 30; attempt++) {
    const size = rng.int(knobs.size[0], knobs.size[1]);
    const candidate = drawTopology(rng, split, size, requiredTiers(rng, families), knobs.publicApis);
    const picked: Node[] = [];
    const claimed = new Set<string>();
    for (const f of families) {
      // A gray failure pages through the APIs above it: it sits below a user-facing API, close enough
      // for its loss to show there at detection (in the rare small topology that never offers one,
      // on the last draws, anywhere).
      const below = (n: Node) => {
        if (f !== silentFallback) return true;
        const depth = depthBelowUsers(candidate, n.name);
        return (depth >= 1 && (depth <= knobs.depth || attempt >= 20)) || (attempt >= 25 && knobs.rootDepth === 0);
      };
      const r = chooseRoot(rng, candidate, f, new Set(picked.map((p) => p.name)), knobs.rootDepth, claimed, below);
      if (!r) break;
      picked.push(r);
      for (const [name, hop] of hopsFrom(candidate, r.name)) if (hop <= knobs.depth + 1) claimed.add(name);
      for (const dep of r.depends_on) claimed.add(dep);
    }
    if (picked.length === families.length) return { topo: candidate, roots: picked };
  }
  return null;
}

/** The draws before any fault is placed, every service's healthy draft, and the SLO rules. */
function beginAssembly(rng: Rng, topo: Topology, params: GeneratedParams, knobs: Knobs, builds: FaultBuild[], roots: Node[], maskedBy: readonly (number | undefined)[]): Assembly {
  const hidden = (fault: number | null) => fault !== null && maskedBy[fault] !== undefined;
  // Faults whose callers log only their own failing requests (drawn only where the difficulty has them).
  const opaque = knobs.opaque > 0 ? builds.map((b, fi) => !hidden(fi) && !b.silent && rng.chance(knobs.opaque)) : builds.map(() => false);
  const isOpaque = (fault: number | null) => fault !== null && opaque[fault] === true;
  // Faults whose callers' retries flood the root: its remedy holds only once load is shed at an edge above it.
  const edgesAbove = (root: string) => [...hopsFrom(topo, root).keys()].filter((n) => topo.byName.get(n)!.tier === 'edge').sort();
  // A gray failure's callers see success: they have nothing to retry.
  const flooded = builds.map((b, fi) => knobs.flooded > 0 && !hidden(fi) && !b.silent && FLOOD_TIERS.has(topo.byName.get(b.root)!.tier) && FLOOD_REMEDIES.has(b.remedy.kind) && b.remedy.target === b.root && edgesAbove(b.root).length > 0 && rng.chance(knobs.flooded));
  const onsetBefore = rng.int(6, 12);
  const detectedMinute = ONSET_HOUR * 60 + rng.int(0, 50) + onsetBefore;
  const onsetMinute = detectedMinute - onsetBefore;

  const drafts = new Map<string, ServiceDraft>();
  for (const node of topo.nodes) {
    drafts.set(node.name, { node, also: [], overview: baselineOverview(rng, node), detail: baselineDetail(rng, node), impacted: {}, detailImpacted: {}, logs: [], hop: null, fault: null, profiles: {}, late: [], latent: null });
  }
  // An edge proxy forwards every request to one upstream: its traffic is theirs (plus its own health checks).
  for (const d of drafts.values()) if (d.node.tier === 'edge') d.overview.requests_per_sec = Math.round(EDGE_OWN_TRAFFIC * d.node.depends_on.reduce((sum, up) => sum + drafts.get(up)!.overview.requests_per_sec!, 0));

  // What a client writes about a peer: its name, or (hard, expert) the address it dialled.
  const salt = `${params.split}|${params.difficulty}|${params.seed}`;
  const addresses = addressBook(topo.nodes, params.split, salt);
  const seen = (line: { level: Level; msg: string }, peer: Node) => (knobs.addresses ? byAddress(line, peer, addresses.get(peer.name)!) : line);
  const rules: AlertRule[] = [];
  // Standard SLO rules on every service that serves requests; data stores alert on their own signals.
  const userFacing = new Set([...topo.nodes.filter((n) => n.tier === 'edge').flatMap((e) => [e.name, ...e.depends_on])]);
  for (const n of topo.nodes) {
    if (!SLO_TIERS.has(n.tier)) continue;
    const sev = userFacing.has(n.name) ? 'CRITICAL' : 'WARNING';
    rules.push({ service: n.name, metric: 'error_rate', op: '>', threshold: 0.05, severity: sev, label: 'error rate above SLO' });
    rules.push({ service: n.name, metric: 'latency_p99_ms', op: '>', threshold: Math.max(1000, drafts.get(n.name)!.overview.latency_p99_ms! * 5), severity: 'WARNING', label: 'p99 latency above SLO' });
    // Business monitoring: user-facing APIs page when far fewer transactions complete than usual, errors or not.
    if (n.tier === 'api' && userFacing.has(n.name)) rules.push({ service: n.name, metric: THROUGHPUT, op: '<', threshold: THROUGHPUT_FLOOR, severity: 'CRITICAL', label: `throughput below ${THROUGHPUT_FLOOR}% of last week` });
  }

  /** Easy incidents monitor each fault's own signal too: on every service of that kind that reports it. */
  const signalRules: (Omit<AlertRule, 'service'> & { tier: string })[] = [];
  const faults: FaultTruth[] = [];
  const decoys: RemedyRef[] = [];
  const showing = (d: ServiceDraft) => d.hop !== null && !hidden(d.fault);
  const silent = (fault: number | null) => fault !== null && builds[fault]!.silent !== undefined;
  return { evidenceId: evidenceIds(), silent, rng, topo, params, knobs, builds, roots, maskedBy, hidden, opaque, isOpaque, edgesAbove, flooded, onsetBefore, detectedMinute, onsetMinute, drafts, salt, addresses, seen, rules, userFacing, signalRules, faults, decoys, showing };
}

type Flood = { rps: number; before: number; retryPct: number; restarts: number };

/** A fault's root: its readings at full impact, its own logs (sampled where the difficulty samples them), a flood if drawn. */
function placeRoot(a: Assembly, b: FaultBuild, fi: number): Flood | null {
  const { rng, topo, params, knobs, hidden, flooded, onsetBefore, drafts, signalRules, decoys } = a;
  const root = drafts.get(b.root)!;
  root.hop = 0;
  root.fault = fi;
  root.impacted = { ...root.impacted, ...b.rootOverview };
  if (b.eased && b.mitigations?.length) root.eased = { ...root.eased, ...b.eased };
  if (b.silent) {
    // Fallback answers are fast and never fail; they are counted, and they complete no transaction.
    const share = 0.4 + b.silent.shortfall / 2;
    root.impacted.latency_p99_ms = Math.round(root.overview.latency_p99_ms! * (rng.int(45, 70) / 100));
    root.detailImpacted = { ...root.detailImpacted, fallback_responses_per_min: Math.round(root.overview.requests_per_sec! * 60 * share), [THROUGHPUT]: Math.round(root.detail[THROUGHPUT]! * (1 - b.silent.shortfall)) };
  } else if (knobs.quietRoot && root.node.tier !== 'edge' && root.node.tier !== 'thirdparty') {
    // A partial failure: the root's own aggregate numbers stay under its SLO thresholds.
    root.impacted.error_rate = Math.round((root.overview.error_rate! + rng.int(QUIET_EXTRA_ERRORS[0], QUIET_EXTRA_ERRORS[1]) / 1000) * 1000) / 1000;
    root.impacted.latency_p99_ms = Math.round(root.overview.latency_p99_ms! * (1 + rng.int(10, 40) / 100));
  }
  root.detailImpacted = { ...root.detailImpacted, ...b.rootDetail };
  for (const aside of b.aside ?? []) drafts.get(aside.service)!.logs.push(...aside.lines);
  let flood: Flood | null = null;
  if (flooded[fi]) {
    // Crash-looping under retried traffic: loud, not quiet, and most instances down.
    const before = root.overview.requests_per_sec!;
    flood = { before, rps: Math.round((before * rng.int(30, 50)) / 10), retryPct: rng.int(55, 80), restarts: rng.int(5, 11) };
    root.impacted = { ...root.impacted, error_rate: rng.int(300, 550) / 1000, requests_per_sec: flood.rps };
    const ready = root.node.tier === 'auth' ? 'replicas_ready' : 'pods_ready';
    root.detailImpacted = { ...root.detailImpacted, [ready]: rng.int(1, Math.max(1, Math.floor(root.node.replicas / 3))), restarts_last_hour: flood.restarts };
  }
  // Failure counters agree with the error rate and the request rate the overview shows (a quiet root
  // fails quietly; a flooded one fails a share of its flooded traffic).
  const served = { ...root, overview: { ...root.overview, requests_per_sec: root.impacted.requests_per_sec ?? root.overview.requests_per_sec! } };
  // (An edge proxy that is the root fails requests itself: no upstream answered them with a 5xx.)
  const counters = failureCounters(served, root.impacted.error_rate ?? root.overview.error_rate!);
  if (root.node.tier === 'edge') delete counters.upstream_5xx_per_min;
  if (!b.silent) for (const [k, v] of Object.entries(counters)) if (k in root.detailImpacted || k in root.detail || k === THROUGHPUT) root.detailImpacted[k] = v;
  // An age (an open transaction's) has grown by the minutes since the onset, and goes on growing.
  const age = b.ageing === undefined ? undefined : root.detailImpacted[b.ageing];
  if (b.ageing && age !== undefined) {
    root.detailImpacted[b.ageing] = age + onsetBefore * 60;
    root.ageing = { metric: b.ageing, fault: fi };
  }
  // An expiry happened at the onset: by detection the certificate has been invalid that long.
  if (root.detailImpacted.cert_seconds_remaining !== undefined) root.detailImpacted.cert_seconds_remaining = -(onsetBefore * 60 + rng.int(5, 50));
  if (b.after) root.detail = { ...root.detail, ...b.after };
  let rootLogs = b.rootLogs;
  if (knobs.sampledRootLogs) {
    // Sampled telemetry: of the root's warnings and errors one survives (a telling one when there is
    // one); INFO lines (changes, triggers) are kept. Its metrics and its callers confirm the rest.
    const loud = rootLogs.filter((l) => l.level !== 'INFO' && l.level !== 'DEBUG');
    const telling = loud.filter((l) => l.key);
    const kept = telling.length ? rng.pick(telling) : loud.length ? rng.pick(loud) : null;
    rootLogs = rootLogs.filter((l) => (l.level === 'INFO' || l.level === 'DEBUG') || l === kept);
  }
  if (hidden(fi)) {
    // Until it is unmasked the fault has written only its change lines; the rest comes once load returns.
    root.logs.push(...rootLogs.filter((l) => l.level === 'INFO' || l.level === 'DEBUG'));
    const loud = rootLogs.filter((l) => l.level !== 'INFO' && l.level !== 'DEBUG').sort((a, c) => a.at - c.at);
    loud.forEach((l, i) => root.late.push({ ...l, at: 1 + i, fault: fi }));
    root.latent = b.latent ?? {};
  } else root.logs.push(...rootLogs);
  if (flood) {
    // The orchestrator's restarts and the traffic summary are not sampled away.
    root.logs.push(...floodedLines(rng, root.node, params.split, flood).map((l, i) => ({ at: 1 + i + rng.int(0, 2), ...l })));
    root.late.push({ at: 1, ...floodedAgain(rng, root.node, params.split, b.remedy.kind, flood), fault: fi, after: 'premature' });
  }
  if (knobs.rootAlert) signalRules.push({ tier: topo.byName.get(b.root)!.tier, ...b.rootAlert });
  decoys.push(...b.decoys);
  return flood;
}

/** The services a fault reaches, by calls from its root: their readings and what they log about it; returns the affected ones. */
function reachCallers(a: Assembly, b: FaultBuild, fi: number): string[] {
  const { rng, topo, params, knobs, builds, roots, maskedBy, hidden, opaque, drafts, salt, seen } = a;
  const hops = hopsFrom(topo, b.root, b.reaches);
  // Callers of a fault that makes calls hang log timeouts; of one that fails them fast, fast errors.
  const slow = b.callerImpact.latency_ms >= SLOW_CALLS_MS;
  const affected: string[] = [];
  // How much of the fault a caller at `hop` feels: faded with distance, or (medium on) grown up the
  // call graph as retries and fan-out amplify it.
  const amplification = (hop: number) => (knobs.amplify ? Math.min(AMPLIFY_MAX, AMPLIFY_FIRST_HOP + AMPLIFY_PER_HOP * (hop - 1)) : HOP_DECAY ** (hop - 1));
  // The error rate this fault gives a caller at `hop`; services at one distance never read exactly alike (±6%).
  const callerError = (name: string, hop: number) => {
    const spread = 0.94 + (hash32(`${salt}|${name}|${fi}`) % 13) / 100;
    return Math.round(Math.min(0.95, b.callerImpact.error_rate * amplification(hop) * spread) * 1000) / 1000;
  };
  // What an upstream of an edge fails with under this fault, beyond its usual errors (0 where the fault does not reach it).
  const errorFor = (name: string) => {
    const h = hops.get(name);
    if (h === undefined || b.silent) return 0;
    if (h === 0) return Math.max(0, (drafts.get(name)!.impacted.error_rate ?? 0) - drafts.get(name)!.overview.error_rate!);
    return drafts.get(name)!.node.tier === 'edge' ? 0 : Math.max(0, callerError(name, h) - drafts.get(name)!.overview.error_rate!);
  };
  // How much of a service's business passes through a gray root: a direct caller does a share of it
  // there (40% to all), a caller further up a share of what its own dependencies on the way pass
  // on, so no API loses more than the ones it reaches the root through.
  const through = new Map<string, number>([[b.root, 1]]);
  const dependence = (name: string, hop: number) => {
    const own = 0.4 + (hash32(`${salt}|${name}|${fi}|through`) % 61) / 100;
    if (hop === 1) return own;
    const below = drafts.get(name)!.node.depends_on.filter((dep) => hops.get(dep) === hop - 1).map((dep) => through.get(dep) ?? 0);
    return Math.max(0, ...below) * (0.6 + (own - 0.4) * (0.4 / 0.6));
  };
  for (const [name, hop] of [...hops].sort((a, c) => a[1] - c[1] || (a[0] < c[0] ? -1 : 1))) {
    if (hop === 0) continue;
    if (b.silent) through.set(name, dependence(name, hop));
    // Another fault's root is not this fault's victim, except the root that masked it: once fixed, it calls into this one.
    const masker = hidden(fi) ? builds[maskedBy[fi]!]!.root : null;
    // Behind a gray failure only APIs show anything (their throughput): nothing else is affected to name.
    const shows = !b.silent || topo.byName.get(name)!.tier === 'api';
    if (hop <= knobs.depth + AFFECTED_EXTRA_HOPS && shows && (!roots.some((r) => r.name === name) || name === masker)) affected.push(name);
    const d = drafts.get(name)!;
    // An edge proxy forwards each request to one upstream and fans out to nothing: it fails the share
    // of its traffic its failing upstreams fail (request volumes add up), no more.
    const forwardedErrors = () => {
      const ups = d.node.depends_on.map((u) => drafts.get(u)!);
      const total = ups.reduce((sum, u) => sum + u.overview.requests_per_sec!, 0);
      const failing = ups.reduce((sum, u) => sum + u.overview.requests_per_sec! * errorFor(u.node.name), 0);
      return total > 0 ? failing / total : 0;
    };
    const impact = (): { impacted: Record<string, number>; detailImpacted: Record<string, number> } => {
      // A gray failure's callers get answers (fallback ones): only their completed transactions fall.
      if (b.silent) {
        const fell: Record<string, number> = d.node.tier === 'api' ? { [THROUGHPUT]: Math.round(d.detail[THROUGHPUT]! * (1 - b.silent.shortfall * through.get(name)!)) } : {};
        return { impacted: {}, detailImpacted: fell };
      }
      const impacted = {
        error_rate: d.node.tier === 'edge' ? Math.round((d.overview.error_rate! + forwardedErrors()) * 1000) / 1000 : callerError(name, hop),
        latency_p99_ms: d.overview.latency_p99_ms! + Math.round(b.callerImpact.latency_ms * amplification(hop)),
        // The callers that apply what the fault broke burn their own CPU on it (a backtracking regex).
        ...(hop === 1 && b.callerImpact.cpu_pct !== undefined ? { cpu_pct: b.callerImpact.cpu_pct } : {}),
      };
      return { impacted, detailImpacted: failureCounters(d, impacted.error_rate) };
    };
    // Each affected caller points at the dependency on its path to the root.
    const next = d.node.depends_on.find((dep) => hops.get(dep) === hop - 1)!;
    const callee = topo.byName.get(next)!;
    // An edge proxy always logs its upstream; other callers of an opaque fault log only their own failures.
    const say = () =>
      opaque[fi] && d.node.tier !== 'edge'
        ? opaqueFailure(rng, d.node, params.split, slow)
        : seen(hop === 1 ? b.callerLog(d.node, topo.byName.get(b.root)!) : upstreamFailure(rng, d.node, callee, params.split, slow), hop === 1 ? topo.byName.get(b.root)! : callee);
    const written = () => (b.silent ? [] : [{ at: hop + rng.int(0, 2), ...say() }, { at: hop + rng.int(3, 5), ...say() }]);
    // Errors show over a gray failure's quiet loss: a loud fault takes a shared service over from a
    // gray one (which shows again once the loud one is stopped), never the reverse.
    const grayOwner = d.hop !== null && d.hop > 0 && d.fault !== fi && a.silent(d.fault) && !b.silent && !hidden(fi) ? d.fault! : null;
    if (grayOwner !== null) {
      // (The gray failure reaches it at its own distance: it shows there before the loud one arrives.)
      d.profiles[grayOwner] = { impacted: d.impacted, detailImpacted: d.detailImpacted, hop: d.hop! };
      if (!d.also.includes(grayOwner)) d.also.push(grayOwner);
    }
    // A masked fault never takes a service over from a fault that shows at detection.
    else if (d.hop !== null && (d.hop <= hop || hidden(fi) || (b.silent && !a.silent(d.fault)))) {
      // Already hit by another fault: it stays hit until both are stopped.
      if (d.fault !== fi && !d.also.includes(fi)) d.also.push(fi);
      // What the second fault burns in it (a backtracking regex it applies) shows as well.
      const burn = hop === 1 && !hidden(fi) && !b.silent ? b.callerImpact.cpu_pct : undefined;
      // It fades with its own fault: once the regex is reverted, only the other fault shows.
      if (burn !== undefined && d.fault !== fi) d.burns = { ...d.burns, [fi]: { cpu_pct: burn } };
      // A victim of both (or a root applying the regex) logs both failures, each for as long as its own fault goes on.
      if (d.fault !== fi && !hidden(fi) && !b.silent && hop <= knobs.depth && (d.hop > 0 || burn !== undefined)) {
        d.logs.push(...written().map((l) => (l.level === 'INFO' || l.level === 'DEBUG' ? l : { ...l, recurs: 'with_fault' as const, variants: [say().msg, say().msg], of: fi })));
      }
      if (hidden(fi) && d.fault !== fi) {
        // A masked fault shows here once unmasked: as a caller of its root, with lines of its own.
        d.profiles[fi] = impact();
        if (hop <= knobs.depth) d.late.push(...written().map((l) => ({ ...l, fault: fi })));
      } else if (d.hop === 0 && d.fault !== fi && !b.silent) {
        // Another fault's root that this one reaches too: once its own remedy is in, what it still
        // shows is this fault's (its own cause's readings, a rate limit or a certificate, recover).
        d.profiles[fi] = impact();
      }
      continue;
    }
    d.hop = hop;
    d.fault = fi;
    const { impacted, detailImpacted } = impact();
    d.impacted = impacted;
    d.detailImpacted = { ...d.detailImpacted, ...detailImpacted };
    // Both faults cost it business: the transactions left are what neither failed.
    const grayLeft = grayOwner !== null ? d.profiles[grayOwner]?.detailImpacted[THROUGHPUT] : undefined;
    if (grayLeft !== undefined && d.detailImpacted[THROUGHPUT] !== undefined) d.detailImpacted[THROUGHPUT] = Math.round((d.detailImpacted[THROUGHPUT] * grayLeft) / d.detail[THROUGHPUT]!);
    // Logs are what was written by detection: only services the fault had reached by then show it.
    if (hop <= knobs.depth) {
      if (hidden(fi)) d.late.push(...written().map((l) => ({ ...l, fault: fi })));
      else d.logs.push(...written().map((l) => (l.level === 'INFO' || l.level === 'DEBUG' ? l : { ...l, recurs: 'with_fault' as const, variants: [say().msg, say().msg] })));
    }
  }
  return affected;
}

/** Services that show a fault without calling its root: a queue behind a stalled consumer, a family's own symptoms. */
function addSymptoms(a: Assembly, b: FaultBuild, fi: number, affected: string[]): void {
  const { topo, params, knobs, hidden, drafts, signalRules, onsetBefore } = a;
  const root = drafts.get(b.root)!;
  // A failing consumer shows in the queue it reads from, even when its family names no symptom:
  // behind by the share of its work it has failed (all of it, if it acks nothing) since it began failing.
  const symptoms = [...(b.symptoms ?? [])];
  const consumed = topo.byName.get(b.root)!.tier === 'worker' ? topo.byName.get(b.root)!.depends_on.map((d) => topo.byName.get(d)!).find((n) => n.tier === 'queue') : undefined;
  if (consumed && !symptoms.some((x) => x.service === consumed.name)) {
    const share = root.detailImpacted.jobs_per_min === 0 ? 1 : Math.min(1, Math.max(0.05, root.impacted.error_rate ?? 0));
    // Detected when its lag paged (or at the incident's onset, if that was later).
    const since = Math.max(onsetBefore, Math.ceil((CONSUMER_LAG_ALERT_S / 60 + 1) / share));
    const behind = queueBehind(drafts.get(consumed.name)!, root, params.split, share, since, onsetBefore - SYMPTOM_LOGGED_AT);
    symptoms.push(behind);
    // The consumer's own readings agree with its queue's.
    root.detailImpacted = { ...root.detailImpacted, consumer_lag_s: behind.detail.consumer_lag_s! };
    root.backlogSince = since;
    drafts.get(consumed.name)!.backlogSince = since;
  }
  for (const s of symptoms) {
    const d = drafts.get(s.service)!;
    if (d.hop === null) {
      d.hop = 1;
      d.fault = fi;
    }
    d.impacted = { ...d.impacted, ...s.overview };
    for (const [k, share] of Object.entries(s.share ?? {})) d.impacted[k] = Math.max(1, Math.round(d.overview[k]! * share));
    d.detailImpacted = { ...d.detailImpacted, ...s.detail };
    if (hidden(fi)) d.late.push({ at: SYMPTOM_LOGGED_AT, level: s.log.level, msg: s.log.msg, fault: fi });
    else d.logs.push({ at: SYMPTOM_LOGGED_AT, level: s.log.level, msg: s.log.msg });
    if (knobs.rootAlert) signalRules.push({ tier: topo.byName.get(s.service)!.tier, ...s.alert });
    if (!affected.includes(s.service)) affected.unshift(s.service);
  }
}

/** One fault placed: its root, the services it reaches, its symptoms, then its ground truth. */
function placeFault(a: Assembly, b: FaultBuild, fi: number): void {
  const { rng, topo, params, maskedBy, hidden, opaque, edgesAbove, drafts, seen, faults } = a;
  const root = a.drafts.get(b.root)!;
  const flood = placeRoot(a, b, fi);
  const affected = reachCallers(a, b, fi);
  addSymptoms(a, b, fi, affected);
  // One caller re-sends at once, which is what floods the root (callers that name no dependency say nothing).
  const retriers = flood && !opaque[fi] ? topo.callers(b.root).filter((c) => c.tier !== 'edge' && drafts.get(c.name)!.fault === fi) : [];
  if (retriers.length) drafts.get(rng.pick(retriers).name)!.logs.push({ at: 1 + rng.int(0, 2), ...seen(retryingWithoutBackoff(rng, root.node, params.split), root.node) });
  faults.push({
    family: b.family,
    variant: b.variant,
    root_cause: b.root,
    team: b.team,
    fix: fixId(b.remedy),
    mechanism: b.mechanism,
    trigger: b.trigger,
    affected,
    concepts: b.concepts,
    decisive: [],
    mitigations: (b.mitigations ?? []).map(fixId),
    ...(hidden(fi) ? { masked_by: maskedBy[fi] } : {}),
    ...(flood
      ? {
          needs_first: edgesAbove(b.root).map((e) => fixId({ kind: 'shed_load', target: e })),
          mechanism: `${b.mechanism} Callers retried at once without backoff, so each restarted instance took ${Math.round((10 * flood.rps) / flood.before) / 10}x its normal load before it was ready and fell over again.`,
          concepts: { ...b.concepts, remediation: [...b.concepts.remediation, SHED_CONCEPT] },
        }
      : {}),
  });
}

/** Every fault shows at detection: at least one of its services breaches an SLO threshold. */
function ensureVisible(a: Assembly): void {
  const { rng, knobs, builds, hidden, drafts } = a;
  builds.forEach((b, fi) => {
    if (hidden(fi)) return;
    if (b.silent) {
      // A gray failure shows in business throughput, never in errors: the nearest user-facing API
      // above it does all its business through it when no other one pages.
      // Its own distance and its own loss at each service (a loud fault may show there too, or later).
      const grayHop = (d: ServiceDraft) => (d.fault === fi ? d.hop : (d.profiles[fi]?.hop ?? (d.also.includes(fi) ? d.hop : null)));
      const lost = (d: ServiceDraft) => (d.fault === fi ? d.detailImpacted[THROUGHPUT] : (d.profiles[fi]?.detailImpacted[THROUGHPUT] ?? d.detailImpacted[THROUGHPUT]));
      const facing = [...drafts.values()].filter((d) => { const h = grayHop(d); return h !== null && h >= 1 && h <= knobs.depth && a.userFacing.has(d.node.name) && d.node.tier === 'api'; });
      if (facing.length && !facing.some((d) => lost(d)! < THROUGHPUT_FLOOR)) {
        const nearest = facing.sort((x, y) => grayHop(x)! - grayHop(y)! || (x.node.name < y.node.name ? -1 : 1))[0]!;
        // ... and so do the APIs it reaches the root through (none loses less than one above it).
        const onTheWay = (at: ServiceDraft) => at.node.depends_on.map((dep) => drafts.get(dep)!).find((x) => grayHop(x) === grayHop(at)! - 1);
        for (let at: ServiceDraft | undefined = nearest; at && grayHop(at)! >= 1; at = onTheWay(at)) {
          if (at.node.tier !== 'api') continue;
          const all = Math.round(at.detail[THROUGHPUT]! * (1 - b.silent.shortfall));
          const own = at.fault === fi ? undefined : at.profiles[fi]?.detailImpacted;
          if (own && own[THROUGHPUT] !== undefined && at.detailImpacted[THROUGHPUT] !== undefined) {
            // A loud fault shows here too: what is left is what neither failed, so it falls as the gray share does.
            const before = own[THROUGHPUT]!;
            own[THROUGHPUT] = Math.min(before, all);
            if (before > 0) at.detailImpacted[THROUGHPUT] = Math.round((at.detailImpacted[THROUGHPUT]! * own[THROUGHPUT]!) / before);
          } else at.detailImpacted[THROUGHPUT] = Math.min(at.detailImpacted[THROUGHPUT] ?? all, all);
        }
      }
      // Its impact is where business visibly fell (under the paging floor), not every API it touches a little.
      const left = (name: string) => {
        const d = drafts.get(name)!;
        return d.fault === fi ? d.detailImpacted[THROUGHPUT] : d.profiles[fi]?.detailImpacted[THROUGHPUT];
      };
      const fault = a.faults[fi]!;
      const fell = fault.affected.filter((name) => (left(name) ?? 100) < THROUGHPUT_FLOOR);
      if (fell.length) fault.affected = fell;
      return;
    }
    const mine = [...drafts.values()].filter((d) => d.fault === fi && d.hop !== null && d.hop >= 1 && d.hop <= knobs.depth && SLO_TIERS.has(d.node.tier));
    // Something pages within two calls of the root (the responder walks down from it).
    if (!mine.length || mine.some((d) => d.hop! <= 2 && (d.impacted.error_rate ?? 0) > 0.05)) return;
    // A service that fans out can fail more of its requests than one dependency does, so the
    // nearest one that is not an edge proxy shows it; where an edge proxy is all there is, its own
    // timeouts and retries make the page (the one place its errors exceed its upstreams' share).
    const callers = mine.filter((d) => d.node.tier !== 'edge');
    const nearest = (callers.length ? callers : mine).sort((a, c) => a.hop! - c.hop! || (a.node.name < c.node.name ? -1 : 1))[0]!;
    nearest.impacted = { ...nearest.impacted, error_rate: rng.int(60, 90) / 1000 };
    // Its failures count too; business another fault already cost it stays lost.
    for (const [k, v] of Object.entries(failureCounters(nearest, nearest.impacted.error_rate!))) nearest.detailImpacted[k] = k === THROUGHPUT && nearest.detailImpacted[k] !== undefined ? Math.min(nearest.detailImpacted[k], v) : v;
    if (nearest.node.tier === 'edge') nearest.ownPage = true;
  });
}

/** A no-fault control still pages someone: a planned node rotation blips a user-facing service and recovers on its own. */
function controlBlip(a: Assembly): Dynamics['transient'] {
  const { rng, topo, params, builds, drafts, userFacing, onsetBefore } = a;
  let transient: Dynamics['transient'] = null;
  if (builds.length === 0) {
    const facing = topo.nodes.filter((n) => n.tier === 'api' && userFacing.has(n.name));
    const t = rng.pick(facing.length ? facing : topo.nodes.filter((n) => n.tier === 'api'));
    const d = drafts.get(t.name)!;
    const node = params.split === 'train' ? `ip-10-3-${rng.int(1, 9)}-${rng.int(10, 99)}` : `worker-pool-d-${rng.int(10, 99)}`;
    transient = { service: t.name, error_rate: rng.int(8, 16) / 100, until_minute: rng.int(6, 12) };
    // The rotation replaces instances one by one from the onset to detection: requests drop all along.
    const instances = rng.int(4, 8);
    const moments = [...new Set([0, Math.floor(onsetBefore / 2), onsetBefore - 1])];
    d.logs.push(
      { at: -rng.int(2, 4), level: 'INFO', msg: params.split === 'train' ? `node ${node} cordoned and draining (${instances} pods to evict)` : `instances on ${node} being replaced (${instances} to go)` },
      ...moments.map((at, k) => {
        const done = Math.max(1, Math.round(((k + 1) * (instances - 1)) / moments.length));
        return { at, level: 'WARN' as const, msg: params.split === 'train' ? `connection reset by peer while ${node} drained (${done}/${instances} evicted); requests retried` : `in-flight requests dropped while instances on ${node} were replaced (${done} of ${instances}); clients retrying` };
      }),
    );
  }
  return transient;
}

/** Consistent readings (a usage share implies its count), named as the split's products name them. */
/**
 * Dashboards are configured by kind of service, never by role: every service of a tier shows every
 * reading any service of that tier shows (a healthy value where nothing is wrong), so the set of
 * readings never names the root.
 */
/** Readings that are configuration, not gauges. */
const SETTINGS = new Set(['max_threads', 'db_pool_size', 'memory_limit_mb', 'secret_version_latest']);

function uniformDashboards(a: Assembly): void {
  const { drafts, salt } = a;
  const byTier = new Map<Tier, Set<string>>();
  for (const d of drafts.values()) {
    const keys = byTier.get(d.node.tier) ?? new Set<string>();
    const all = [d.detail, d.detailImpacted, d.latent ?? {}, ...Object.values(d.profiles).map((p) => p.detailImpacted)];
    for (const m of all) for (const k of Object.keys(m)) if (d.overview[k] === undefined) keys.add(k);
    byTier.set(d.node.tier, keys);
  }
  for (const d of drafts.values()) {
    // Only a service with a database has a database pool to show.
    const usesDb = dependsOnTier(a.topo, d.node, 'db');
    const filled = new Set<string>();
    // Settings first: a reading drawn from one (busy threads of a pool) must see the size it gets.
    const keys = [...byTier.get(d.node.tier)!].sort((x, y) => Number(SETTINGS.has(y)) - Number(SETTINGS.has(x)));
    for (const k of keys) {
      if (d.detail[k] !== undefined) continue;
      if (DB_POOL.includes(k) && !usesDb) continue;
      // A setting a fault gives its service (a pool size, a memory limit, the latest secret
      // version) is that service's own: it never fades towards another value as the fault does.
      const own = SETTINGS.has(k) ? (d.detailImpacted[k] ?? d.latent?.[k] ?? Object.values(d.profiles).find((p) => p.detailImpacted[k] !== undefined)?.detailImpacted[k]) : undefined;
      if (own !== undefined) {
        d.detail[k] = own;
        continue;
      }
      const healthy = HEALTHY_READINGS[k];
      if (!healthy) throw new Error(`no healthy value for ${k} (${d.node.tier})`);
      d.detail[k] = healthy((hash32(`${salt}|${d.node.name}|${k}`) % 1000) / 1000, d);
      filled.add(k);
    }
    // A pool's counts add up whatever order they were drawn in: in use plus idle is its size.
    const size = d.detail.db_pool_size;
    if (size !== undefined && (filled.has('db_pool_in_use') || filled.has('db_pool_idle')) && d.detail.db_pool_in_use !== undefined) {
      d.detail.db_pool_in_use = Math.min(d.detail.db_pool_in_use, size);
      if (d.detail.db_pool_idle !== undefined) d.detail.db_pool_idle = size - d.detail.db_pool_in_use;
    }
  }
}

const DB_POOL = ['db_pool_size', 'db_pool_in_use', 'db_pool_idle', 'db_pool_wait_ms'];

function harmoniseReadings(a: Assembly): Partial<Record<Tier, Record<string, string>>> {
  const { params, drafts } = a;
  // Keep each store's numbers consistent: a usage percentage implies the active count.
  for (const d of drafts.values()) {
    const pct = d.detailImpacted.connections_used_pct;
    if (pct !== undefined && d.detailImpacted.max_connections === undefined && d.detail.max_connections !== undefined) {
      d.detailImpacted = { ...d.detailImpacted, connections_active: Math.round((d.detail.max_connections * pct) / 100) };
    }
  }

  // The held-out split's products name some readings differently.
  const names = METRIC_NAMES[params.split];
  const rename = (tier: string, m: Record<string, number>) => {
    const map = names[tier as keyof typeof names];
    return map ? Object.fromEntries(Object.entries(m).map(([k, v]) => [map[k] ?? k, v])) : m;
  };
  for (const d of drafts.values()) {
    d.overview = rename(d.node.tier, d.overview);
    d.detail = rename(d.node.tier, d.detail);
    d.impacted = rename(d.node.tier, d.impacted);
    d.detailImpacted = rename(d.node.tier, d.detailImpacted);
    for (const p of Object.values(d.profiles)) {
      p.impacted = rename(d.node.tier, p.impacted);
      p.detailImpacted = rename(d.node.tier, p.detailImpacted);
    }
    if (d.latent) d.latent = rename(d.node.tier, d.latent);
    if (d.eased) d.eased = rename(d.node.tier, d.eased);
  }
  return names;
}

/** What evidence ids are drawn from: the parameters that reproduce the incident. */
const evidenceKey = (params: GeneratedParams) => `${params.split}|${params.difficulty}|${params.family ?? '*'}|${params.seed}`;

/** Evidence ids unique within an incident: a finaliser spreads neighbouring keys, so ids do not run in order down a log. */
function evidenceIds(): (text: string) => string {
  const used = new Set<string>();
  return (text) => {
    let h = hash32(text);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h = (h ^ (h >>> 13)) & 0xffff;
    while (used.has(h.toString(16))) h = (h + 1) & 0xffff;
    used.add(h.toString(16));
    return `ev-${h.toString(16).padStart(4, '0')}`;
  };
}

/** Routine lines, jittered timestamps and evidence ids (unique within the incident); each fault's decisive evidence. */
function writeLogs(a: Assembly): { services: ServiceSpec[]; metricIds: Record<string, string>; late: Map<string, LateLine[]>; recurring: Map<string, RecurringLine[]> } {
  const { rng, params, knobs, onsetBefore, onsetMinute, drafts, faults, showing, silent, evidenceId } = a;
  const services: ServiceSpec[] = [];
  const key = evidenceKey(params);
  const metricIds: Record<string, string> = {};
  const keyLineIds = new Map<string, string[]>();
  const late = new Map<string, LateLine[]>();
  const recurring = new Map<string, RecurringLine[]>();
  for (const d of drafts.values()) {
    metricIds[d.node.name] = evidenceId(`${key}|${d.node.name}|metrics`);
    // A service in trouble logs its routine lines before the onset only, so none contradicts the fault.
    // A caller of a gray failure is not in trouble: it keeps logging as usual.
    const lastRoutine = showing(d) && !(silent(d.fault) && d.hop !== 0) ? -1 : 6;
    const facts = { usesDb: dependsOnTier(a.topo, d.node, 'db'), memoryFault: d.hop === 0 && d.detailImpacted.memory_mb !== undefined, zoneChanged: d.hop === 0 && a.builds[d.fault!]?.family === 'dns_misconfiguration', config: configFacts(a, d) };
    for (let i = 0; i < knobs.noise; i++) {
      const at = rng.int(-20, lastRoutine);
      // A consumer's routine counts agree with the rate its dashboard shows (before the onset, the usual one).
      const routine = routineLine(rng, d.node, params.split, at, facts, d.detail.jobs_per_min ?? d.detail.deliveries_acked_per_min ?? d.detail.tokens_issued_per_min);
      // Sampling keeps at most one of a root's warnings: its routine warnings are sampled away too.
      if (knobs.sampledRootLogs && d.hop === 0 && routine.level !== 'INFO') continue;
      d.logs.push({ at, ...routine });
    }
    // Nothing is logged after detection (minute `onsetBefore` after onset).
    // Lines written in one minute keep the order they were written in; their seconds are jittered.
    const clamped = d.logs.map((l, i) => ({ l: l.at > onsetBefore - 1 ? { ...l, at: onsetBefore - 1 } : l, i })).sort((a, c) => a.l.at - c.l.at || a.i - c.i);
    const timed: { l: LogLine; second: number }[] = [];
    for (let k = 0; k < clamped.length; ) {
      let end = k;
      while (end < clamped.length && clamped[end]!.l.at === clamped[k]!.l.at) end++;
      const seconds = Array.from({ length: end - k }, () => rng.int(0, 59)).sort((a, c) => a - c);
      for (let j = k; j < end; j++) timed.push({ l: clamped[j]!.l, second: seconds[j - k]! });
      k = end;
    }
    const lines = timed.map(({ l, second }, i) => {
      const id = evidenceId(`${key}|${d.node.name}|${i}`);
      if (l.key) keyLineIds.set(d.node.name, [...(keyLineIds.get(d.node.name) ?? []), id]);
      return `[${id}] ${timestamp(onsetMinute + l.at, second)} ${l.level.padEnd(5)} ${l.msg}`;
    });
    services.push({ name: d.node.name, owner: d.node.owner, depends_on: d.node.depends_on, overview: d.overview, detail: d.detail, logs: lines });
    // What it keeps logging while its fault goes on: its latest few failure lines, a root's as much
    // as its callers' (a sampled root's only if sampling kept it: its repeats are sampled alike).
    // A repeat is written afresh: only wordings that differ from the line it repeats.
    const afresh = (l: LogLine) => [...new Set(l.variants ?? [])].filter((v) => v !== l.msg);
    const recurs = timed.flatMap(({ l }, i) => (l.recurs ? [{ id: lines[i]!.slice(1, 8), level: l.level, msg: l.msg, ...(l.recurs === 'always' ? { always: true as const } : {}), ...(afresh(l).length ? { variants: afresh(l) } : {}), ...(l.of !== undefined ? { fault: l.of } : {}) }] : []));
    // Its own failure's latest few, and the latest of each other fault's it meets (so each goes on
    // being logged until its own remedy is in), in the order they were written.
    const own = recurs.filter((r) => r.fault === undefined).slice(-RECURRING_LINES);
    const others = [...new Set(recurs.flatMap((r) => (r.fault === undefined ? [] : [r.fault])))].flatMap((f) => recurs.filter((r) => r.fault === f).slice(-OTHER_FAULT_RECURRING));
    const repeats = recurs.filter((r) => own.includes(r) || others.includes(r));
    if (repeats.length) recurring.set(d.node.name, repeats);
    // Lines written after detection keep their order too; their times are set when the fault is unmasked.
    late.set(
      d.node.name,
      d.late
        .map((l, i) => ({ l, i }))
        .sort((a, c) => a.l.at - c.l.at || a.i - c.i)
        .map(({ l }, i) => {
          const id = evidenceId(`${key}|${d.node.name}|late|${i}`);
          if (l.key) keyLineIds.set(d.node.name, [...(keyLineIds.get(d.node.name) ?? []), id]);
          return { fault: l.fault, ...(l.after ? { after: l.after } : {}), offset: Math.max(1, l.at), second: rng.int(0, 59), id, level: l.level, msg: l.msg };
        }),
    );
  }
  faults.forEach((f) => {
    f.decisive = [...(keyLineIds.get(f.root_cause) ?? []), metricIds[f.root_cause]!];
  });
  return { services, metricIds, late, recurring };
}

/** What a configuration store's routine lines count: the watchers its dashboard shows, the revision it served (the one before a bad push, until the push). */
function configFacts(a: Assembly, d: ServiceDraft): RoutineFacts['config'] {
  const watchers = d.detail.watchers;
  if (d.node.tier !== 'config' || watchers === undefined) return undefined;
  const pushed = d.hop === 0 && a.builds[d.fault!]?.family === 'bad_config_push' ? d.detailImpacted.config_revision : undefined;
  if (pushed !== undefined) return { watchers, revisionAt: (at) => (at < CONFIG_PUSH_AT ? pushed - 1 : pushed) };
  const current = d.detail.config_revision;
  return current === undefined ? undefined : { watchers, revisionAt: () => current };
}

/** How many of a service's failure lines keep recurring after detection. */
const RECURRING_LINES = 3;
/** How many lines of another fault's failure that a service meets too keep recurring. */
const OTHER_FAULT_RECURRING = 2;

/** The fix menu: every kind on every service where it makes sense, its minutes, and the damage a wrong one does. */
function fixMenu(a: Assembly): { fixes: FixSpec[]; fixMinutes: Record<string, number>; consequences: Dynamics['consequences']; changes: Dynamics['changes'] } {
  const { topo, drafts, faults, params, evidenceId, builds, flooded, edgesAbove } = a;
  const fixes: FixSpec[] = [];
  const fixMinutes: Record<string, number> = {};
  const consequences: Dynamics['consequences'] = {};
  const changes: Dynamics['changes'] = {};
  const key = evidenceKey(params);
  // Shedding load does its harm whether or not a flooded root needed it (users get 429s); only the grade differs.
  const rightFixes = new Set(faults.flatMap((f) => [f.fix, ...f.mitigations]));
  for (const n of topo.nodes) {
    for (const kind of kindsForTier(n.tier)) {
      const id = fixId({ kind, target: n.name });
      fixes.push({ id, effect: '', description: REMEDY_KINDS[kind].description });
      fixMinutes[id] = REMEDY_KINDS[kind].minutes;
      // The service logs the change when it is made, whatever the change does to the incident.
      changes[id] = { id: evidenceId(`${key}|change|${id}`), msg: changeLine(kind, n, params.split) };
      const harm = harmOf(kind, n.tier);
      if (harm && !rightFixes.has(id)) {
        const hit = harm.on === 'self' ? [n.name] : topo.callers(n.name).map((c) => c.name);
        // Shedding at an edge takes the retried flood off a flooded root below it: back to its usual rate.
        const relief = Object.fromEntries(builds.flatMap((b, fi) => (flooded[fi] && edgesAbove(b.root).includes(n.name) ? [[b.root, drafts.get(b.root)!.overview.requests_per_sec!]] : [])));
        const shed = kind === 'shed_load' ? { detail: { requests_429_per_min: Math.round(harm.error_rate * drafts.get(n.name)!.overview.requests_per_sec! * 60) }, ...(Object.keys(relief).length ? { relief } : {}) } : {};
        if (hit.length) consequences[id] = { services: hit, error_rate: harm.error_rate, minutes: harm.minutes, label: harm.label, ...shed };
      }
    }
  }
  fixes.sort((a, c) => (a.id < c.id ? -1 : 1));
  for (const f of faults) if (!fixMinutes[f.fix]) throw new Error(`remedy ${f.fix} is not on the menu`);
  return { fixes, fixMinutes, consequences, changes };
}

/** The reference responder walks from the nearest firing service down to each root, then pages and fixes. */
function referenceMinutes(a: Assembly, fixMinutes: Record<string, number>): number {
  const { topo, knobs, builds, hidden, opaque, flooded, drafts, rules } = a;
  // Services on the way down are searched for the dependency they blame; the root is looked at fully.
  const searchCost = (name: string) => investigationMinutes(topo.byName.get(name)!.depends_on.length, 'logs');
  const investigateCost = (name: string) => investigationMinutes(topo.byName.get(name)!.depends_on.length);
  const firingAtStart = (name: string) => {
    const d = drafts.get(name)!;
    return rules.some((r) => r.service === name && r.metric === 'error_rate') && (d.impacted.error_rate ?? d.overview.error_rate!) > 0.05 && (d.hop === null || d.hop <= knobs.depth);
  };
  // Behind a gray failure nothing names a dependency: the responder compares the throughput on the
  // dashboards of each API the alerting service calls, and of each API the one that fell calls, down to the root.
  const throughputFalling = (name: string) => rules.some((r) => r.service === name && r.metric === THROUGHPUT) && drafts.get(name)!.fault !== null;
  const compareCost = (name: string) => METRICS_VIEW_MINUTES * topo.byName.get(name)!.depends_on.filter((dep) => topo.byName.get(dep)!.tier === 'api').length;
  const walk = (root: string, fi: number) => {
    const gray = builds[fi]!.silent !== undefined;
    const parent = new Map<string, string | null>([[root, null]]);
    const queue = [root];
    while (queue.length) {
      const cur = queue.shift()!;
      if (cur !== root && (gray ? throughputFalling(cur) : firingAtStart(cur))) {
        let minutes = gray ? METRICS_VIEW_MINUTES : 0;
        let above = cur;
        for (let at: string | null = cur; at && at !== root; at = parent.get(at) ?? null) {
          minutes += gray ? compareCost(at) : searchCost(at);
          above = at;
        }
        // When no caller names the failing dependency, the responder checks the root's siblings too.
        if (opaque[fi]) for (const dep of topo.byName.get(above)!.depends_on) if (dep !== root) minutes += searchCost(dep);
        return minutes;
      }
      for (const c of topo.callers(cur)) {
        if (parent.has(c.name)) continue;
        parent.set(c.name, cur);
        queue.push(c.name);
      }
    }
    // No caller fires: the responder starts from the cheapest firing symptom (a queue behind a consumer).
    const firing = rules.filter((r) => r.service !== root && drafts.get(r.service)!.fault !== null).map((r) => searchCost(r.service));
    return firing.length ? Math.min(...firing) : 0;
  };
  // A masked fault is found from its first root's dependencies, after that root is fixed: no walk.
  const shedFirst = (fi: number) => (flooded[fi] ? REMEDY_KINDS.shed_load.minutes : 0);
  const reference = builds.reduce((sum, b, fi) => sum + (hidden(fi) ? 0 : walk(b.root, fi)) + investigateCost(b.root) + ESCALATE_MINUTES + shedFirst(fi) + fixMinutes[fixId(b.remedy)]!, 0);
  return reference;
}

/**
 * Monitoring is configured by kind of service, never by role: every service of a kind gets the same
 * rules, so no alert is missing because its service is the root. One rule per service and metric.
 */
function monitoringRules(a: Assembly, names: Partial<Record<Tier, Record<string, string>>>): AlertRule[] {
  const { topo, drafts, rules, signalRules } = a;
  for (const d of drafts.values()) {
    const n = d.node;
    const named = (metric: string) => names[n.tier]?.[metric] ?? metric;
    const reports = (metric: string) => [metric, named(metric)].some((m) => d.overview[m] !== undefined || d.detail[m] !== undefined || d.impacted[m] !== undefined || d.detailImpacted[m] !== undefined);
    rules.push({ service: n.name, metric: 'cpu_pct', op: '>', threshold: 80, severity: 'WARNING', label: 'CPU usage high' });
    if (reports('disk_used_pct')) rules.push({ service: n.name, metric: 'disk_used_pct', op: '>', threshold: 80, severity: 'WARNING', label: 'disk usage high' });
    if (n.tier === 'queue') rules.push({ service: n.name, metric: 'consumer_lag_s', op: '>', threshold: CONSUMER_LAG_ALERT_S, severity: 'WARNING', label: 'consumer lag above 5 minutes' });
    for (const r of signalRules) if (r.tier === n.tier && reports(r.metric)) rules.push({ service: n.name, metric: r.metric, op: r.op, threshold: r.threshold, severity: r.severity, label: r.label });
  }
  for (const r of rules) r.metric = names[topo.byName.get(r.service)!.tier]?.[r.metric] ?? r.metric;
  // One rule per service and metric: the first one set wins.
  return rules.filter((r, i) => rules.findIndex((x) => x.service === r.service && x.metric === r.metric) === i);
}

function assemble(rng: Rng, topo: Topology, params: GeneratedParams, knobs: Knobs, builds: FaultBuild[], roots: Node[], maskedBy: readonly (number | undefined)[]): GeneratedScenario {
  const a = beginAssembly(rng, topo, params, knobs, builds, roots, maskedBy);
  builds.forEach((b, fi) => placeFault(a, b, fi));
  addDistractions(a);
  ensureVisible(a);
  uniformDashboards(a);
  const transient = controlBlip(a);
  const names = harmoniseReadings(a);
  const { services, metricIds, late, recurring } = writeLogs(a);
  const { fixes, fixMinutes, consequences, changes } = fixMenu(a);
  const reference = referenceMinutes(a, fixMinutes);
  const alertRules = monitoringRules(a, names);
  const { drafts, detectedMinute, onsetBefore, faults, decoys } = a;
  const dynamics: Dynamics = {
    detected_at: timestamp(detectedMinute, 0),
    onset_before_detection: onsetBefore,
    services: Object.fromEntries([...drafts.values()].map((d) => [d.node.name, serviceDynamics(d, metricIds[d.node.name]!, a.addresses.get(d.node.name)!, late.get(d.node.name) ?? [], recurring.get(d.node.name) ?? [])])),
    spread_every_min: knobs.spreadEvery,
    initial_depth: knobs.depth,
    burn_per_min: knobs.budgetLasts && reference > 0 ? Math.round((100 / (knobs.budgetLasts * reference)) * 100) / 100 : knobs.burn,
    user_facing: [...a.userFacing].sort(),
    slo_breach: knobs.budgetLasts !== null,
    recovery_min: 6,
    alert_rules: alertRules,
    reference_minutes: reference,
    consequences,
    fix_minutes: fixMinutes,
    decoys: decoys.map(fixId).filter((id) => fixMinutes[id] !== undefined),
    transient,
    changes,
  };

  const n = topo.nodes.length;
  return {
    kind: 'generated',
    id: GENERATED_TASK_ID,
    title: `Generated incident (${params.difficulty})`,
    difficulty: params.difficulty,
    description:
      `A production incident across ${n} services. Find the root cause from the evidence, page its owner, ` +
      'apply the right remediation, then write a postmortem citing evidence ids (it ends the episode). If nothing is broken, say so and change nothing.',
    max_steps: knobs.maxSteps,
    services,
    teams: topo.teams,
    fixes,
    // Every fault, joined: a double fault's ground truth names both.
    truth: faults.length
      ? { root_cause: faults.map((f) => f.root_cause).join(' and '), team: faults.map((f) => f.team).join(' and '), fix: faults.map((f) => f.fix).join(' and '), mechanism: faults.map((f) => f.mechanism).join(' / ') }
      : { root_cause: '', team: '', fix: '', mechanism: 'no fault: every alert was benign or self-resolving' },
    generated: { params, faults, dynamics },
  };
}
