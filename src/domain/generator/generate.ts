/**
 * The scenario generator: (seed, difficulty, family, split) -> one incident in the scenario
 * format, byte for byte the same every time. Pure: all randomness comes from an Rng seeded by
 * the parameters.
 */
import type { AlertSpecData, Dynamics, FaultTruth, FixSpec, GeneratedParams, Scenario, ServiceSpec } from '../scenario.js';
import { baselineDetail, baselineOverview } from './baseline.js';
import { FAMILIES, familyById, variantsFor } from './families/index.js';
import { REMEDY_KINDS, fixId, harmOf, kindsForTier } from './kinds.js';
import { KNOBS, type Knobs } from './ladder.js';
import { createRng, hash32, type Rng } from './rng.js';
import { drawTopology } from './topology.js';
import type { AlertRule, FaultBuild, Family, LogLine, Node, RemedyRef, Topology } from './types.js';
import { deployLine, routineLine, slowDependencyLine, upstreamFailure } from './voice.js';

export const GENERATED_TASK_ID = 'generated';
/** Bumped whenever what a seed produces changes; a committed digest test catches an unintended change. */
export const GENERATOR_VERSION = '2.0.0';

/** Error-rate decay per extra hop from the root. */
const HOP_DECAY = 0.85;
/** The most a quiet root's own error rate shows (under the 5% SLO threshold). */
const QUIET_ERROR_RATE = 0.04;
/** How far past the initial depth a service still counts as affected (for the impact checklist). */
const AFFECTED_EXTRA_HOPS = 3;
const ONSET_HOUR = 9;
const DAY_ZERO = Date.UTC(2026, 2, 14);
export const ESCALATE_MINUTES = 3;
export const investigationMinutes = (dependencies: number) => 2 + Math.ceil(dependencies / 2);

function timestamp(minuteOfDay: number, second: number): string {
  return new Date(DAY_ZERO + Math.round(minuteOfDay) * 60_000 + second * 1000).toISOString().replace('.000Z', 'Z');
}

/** Which services a fault reaches, and how far (in calls) each is from the root. */
export function hopsFrom(topo: Topology, root: string): Map<string, number> {
  const hops = new Map<string, number>([[root, 0]]);
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const caller of topo.callers(current)) {
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

function chooseRoot(rng: Rng, topo: Topology, family: Family, exclude: ReadonlySet<string>, rootDepth: number): Node | null {
  // Every root has a caller, so every fault cascades.
  const candidates = topo.nodes.filter((n) => family.rootTiers.includes(n.tier) && !exclude.has(n.name) && (topo.callers(n.name).length > 0 || n.tier === 'edge' || n.tier === 'worker'));
  const valid = candidates.filter((n) => {
    if (family.requires?.includes('auth') && n.tier !== 'auth') return topo.callers(n.name).some((c) => c.tier === 'auth');
    if (family.requires?.includes('queue')) return n.depends_on.some((d) => topo.byName.get(d)?.tier === 'queue');
    if (family.requires?.includes('db')) return n.depends_on.some((d) => topo.byName.get(d)?.tier === 'db');
    return true;
  });
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

/** Services that page on user-facing symptoms: the edge and what it calls directly. */
const SLO_TIERS = new Set(['edge', 'api', 'auth', 'worker', 'thirdparty']);

/** The queue a failing consumer reads from backs up. */
function queueBehind(rng: Rng, queue: Node, consumer: string, split: 'train' | 'test') {
  const behind = rng.int(80, 600);
  return {
    service: queue.name,
    overview: { error_rate: 0.002 },
    detail: { queue_depth: behind * 1000, consumer_lag_s: rng.int(600, 3000) },
    log: { level: 'WARN' as const, msg: split === 'train' ? `consumer group ${consumer} lag growing: ${behind}k messages behind` : `queue for ${consumer}: ${behind}k ready, consumer utilisation low` },
    alert: { metric: 'queue_depth', op: '>' as const, threshold: 100_000, severity: 'WARNING' as const, label: 'queue depth high' },
  };
}

export function generateScenario(params: GeneratedParams): Scenario {
  const { seed, difficulty, split } = params;
  const knobs = KNOBS[difficulty];
  const rng = createRng(`incident|v${GENERATOR_VERSION}|${split}|${difficulty}|${params.family ?? '*'}|${seed}`);

  const pinned = params.family ? familyById(params.family) : undefined;
  if (params.family && !pinned) throw new Error(`unknown family ${params.family}`);
  const control = !pinned && rng.chance(knobs.control);
  const double = !control && rng.chance(knobs.double);
  const first = pinned ?? rng.pick(FAMILIES);
  const families = control ? [] : double ? [first, rng.pick(FAMILIES.filter((f) => f !== first))] : [first];

  // Draw topologies until every family finds a root (almost always the first try).
  let topo: Topology | null = null;
  let roots: Node[] = [];
  for (let attempt = 0; attempt < 30 && !topo; attempt++) {
    const size = rng.int(knobs.size[0], knobs.size[1]);
    const candidate = drawTopology(rng, split, size, requiredTiers(rng, families));
    const picked: Node[] = [];
    for (const f of families) {
      const r = chooseRoot(rng, candidate, f, new Set(picked.map((p) => p.name)), knobs.rootDepth);
      if (r) picked.push(r);
    }
    if (picked.length === families.length) {
      topo = candidate;
      roots = picked;
    }
  }
  if (!topo) throw new Error(`could not place the faults for seed ${seed}`);

  const builds: FaultBuild[] = families.map((f, i) => f.build({ rng, topo: topo!, root: roots[i]!, split, variant: rng.pick(variantsFor(f, split)).id }));
  return assemble(rng, topo, params, knobs, builds);
}

interface ServiceDraft {
  node: Node;
  overview: Record<string, number>;
  detail: Record<string, number>;
  impacted: Record<string, number>;
  detailImpacted: Record<string, number>;
  logs: LogLine[];
  hop: number | null;
  fault: number | null;
}

function assemble(rng: Rng, topo: Topology, params: GeneratedParams, knobs: Knobs, builds: FaultBuild[]): Scenario {
  const onsetBefore = rng.int(6, 12);
  const detectedMinute = ONSET_HOUR * 60 + rng.int(0, 50) + onsetBefore;
  const onsetMinute = detectedMinute - onsetBefore;

  const drafts = new Map<string, ServiceDraft>();
  for (const node of topo.nodes) {
    drafts.set(node.name, { node, overview: baselineOverview(rng, node), detail: baselineDetail(rng, node), impacted: {}, detailImpacted: {}, logs: [], hop: null, fault: null });
  }

  const rules: AlertRule[] = [];
  // Standard SLO rules on every service that serves requests; data stores alert on their own signals.
  const userFacing = new Set([...topo.nodes.filter((n) => n.tier === 'edge').flatMap((e) => [e.name, ...e.depends_on])]);
  for (const n of topo.nodes) {
    if (!SLO_TIERS.has(n.tier)) continue;
    const sev = userFacing.has(n.name) ? 'CRITICAL' : 'WARNING';
    rules.push({ service: n.name, metric: 'error_rate', op: '>', threshold: 0.05, severity: sev, label: 'error rate above SLO' });
    rules.push({ service: n.name, metric: 'latency_p99_ms', op: '>', threshold: Math.max(1000, drafts.get(n.name)!.overview.latency_p99_ms! * 5), severity: 'WARNING', label: 'p99 latency above SLO' });
  }

  const faults: FaultTruth[] = [];
  const decoys: RemedyRef[] = [];
  builds.forEach((b, fi) => {
    const hops = hopsFrom(topo, b.root);
    const root = drafts.get(b.root)!;
    root.hop = 0;
    root.fault = fi;
    root.impacted = { ...root.impacted, ...b.rootOverview };
    if (knobs.quietRoot && root.node.tier !== 'edge') {
      // A partial failure: the root's own aggregate numbers stay under its SLO thresholds.
      const latencyLimit = Math.max(1000, root.overview.latency_p99_ms! * 5);
      if ((root.impacted.error_rate ?? 0) > QUIET_ERROR_RATE) root.impacted.error_rate = QUIET_ERROR_RATE;
      if ((root.impacted.latency_p99_ms ?? 0) > latencyLimit) root.impacted.latency_p99_ms = latencyLimit - rng.int(50, 200);
    }
    root.detailImpacted = { ...root.detailImpacted, ...b.rootDetail };
    let rootLogs = b.rootLogs;
    if (knobs.sampledRootLogs) {
      // Sampled telemetry: keep at most one telling line; the metrics and the callers confirm the rest.
      const keys = rootLogs.filter((l) => l.key);
      const kept = keys.length ? rng.pick(keys) : null;
      rootLogs = rootLogs.filter((l) => !l.key || l === kept);
    }
    root.logs.push(...rootLogs);
    if (knobs.rootAlert) rules.push({ service: b.root, ...b.rootAlert });
    decoys.push(...b.decoys);

    const affected: string[] = [];
    for (const [name, hop] of [...hops].sort((a, c) => a[1] - c[1] || (a[0] < c[0] ? -1 : 1))) {
      if (hop === 0) continue;
      const d = drafts.get(name)!;
      if (d.hop !== null && d.hop <= hop) continue;
      d.hop = hop;
      d.fault = fi;
      const decay = HOP_DECAY ** (hop - 1);
      d.impacted = {
        error_rate: Math.round(b.callerImpact.error_rate * decay * 1000) / 1000,
        latency_p99_ms: d.overview.latency_p99_ms! + Math.round(b.callerImpact.latency_ms * decay),
      };
      if (hop <= knobs.depth + AFFECTED_EXTRA_HOPS) affected.push(name);
      // Each affected caller points at the dependency on its path to the root.
      const next = d.node.depends_on.find((dep) => hops.get(dep) === hop - 1)!;
      const callee = topo.byName.get(next)!;
      const say = () => (hop === 1 ? b.callerLog(d.node, topo.byName.get(b.root)!) : upstreamFailure(rng, d.node, callee, params.split));
      d.logs.push({ at: hop + rng.int(0, 2), ...say() }, { at: hop + rng.int(3, 5), ...say() });
    }
    // A stalled consumer shows in the queue it reads from, even when its family names no symptom.
    const symptoms = [...(b.symptoms ?? [])];
    const consumed = topo.byName.get(b.root)!.tier === 'worker' ? topo.byName.get(b.root)!.depends_on.map((d) => topo.byName.get(d)!).find((n) => n.tier === 'queue') : undefined;
    if (consumed && !symptoms.some((x) => x.service === consumed.name)) symptoms.push(queueBehind(rng, consumed, b.root, params.split));
    for (const s of symptoms) {
      const d = drafts.get(s.service)!;
      if (d.hop === null) {
        d.hop = 1;
        d.fault = fi;
      }
      d.impacted = { ...d.impacted, ...s.overview };
      d.detailImpacted = { ...d.detailImpacted, ...s.detail };
      d.logs.push({ at: 2, level: s.log.level, msg: s.log.msg });
      rules.push({ service: s.service, ...s.alert });
      if (!affected.includes(s.service)) affected.unshift(s.service);
    }
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
    });
  });

  const faultRoots = new Set(builds.map((b) => b.root));
  const bystanders = topo.nodes.filter((n) => drafts.get(n.name)!.hop === null && !faultRoots.has(n.name));
  const deployable = (ns: Node[]) => ns.filter((n) => n.tier === 'api' || n.tier === 'worker' || n.tier === 'auth');
  const version = () => `v${rng.int(1, 9)}.${rng.int(0, 40)}.${rng.int(0, 9)}`;

  if (knobs.deployHerring && deployable(bystanders).length) {
    const b = rng.pick(deployable(bystanders));
    drafts.get(b.name)!.logs.push({ at: -rng.int(5, 40), ...deployLine(rng, b, params.split, version()) });
    decoys.push({ kind: 'rollback', target: b.name });
  }
  if (knobs.victimChange) {
    const victims = deployable([...drafts.values()].filter((d) => d.hop !== null && d.hop >= 1 && d.hop <= 2).map((d) => d.node));
    if (victims.length) {
      const v = rng.pick(victims);
      drafts.get(v.name)!.logs.push({ at: -rng.int(1, 4), ...deployLine(rng, v, params.split, version()) });
      decoys.push({ kind: 'rollback', target: v.name });
    }
  }
  if (knobs.blameHerring) {
    const callers = [...drafts.values()].filter((d) => d.hop !== null && d.hop >= 1 && d.node.depends_on.some((dep) => drafts.get(dep)!.hop === null && !faultRoots.has(dep)));
    if (callers.length) {
      const d = rng.pick(callers);
      const innocent = topo.byName.get(d.node.depends_on.find((dep) => drafts.get(dep)!.hop === null && !faultRoots.has(dep))!)!;
      d.logs.push({ at: rng.int(0, 3), ...slowDependencyLine(rng, innocent, params.split) });
    }
  }
  const quiet = bystanders.filter((n) => n.tier !== 'edge');
  if (knobs.flappingAlert && quiet.length) {
    const b = rng.pick(quiet);
    const d = drafts.get(b.name)!;
    d.detail = { ...d.detail, disk_used_pct: rng.int(81, 86) };
    rules.push({ service: b.name, metric: 'disk_used_pct', op: '>', threshold: 80, severity: 'WARNING', label: 'disk usage high' });
    d.logs.push({ at: -rng.int(30, 90), level: 'INFO', msg: params.split === 'train' ? `logrotate: rotated /var/log/app (${rng.int(1, 3)}.${rng.int(0, 9)}G)` : `log rotation complete, ${rng.int(1, 3)}.${rng.int(0, 9)}GB compressed` });
  }
  if (knobs.benignJob && quiet.length) {
    const b = rng.pick(quiet);
    const d = drafts.get(b.name)!;
    d.overview = { ...d.overview, cpu_pct: rng.int(82, 94) };
    rules.push({ service: b.name, metric: 'cpu_pct', op: '>', threshold: 80, severity: 'INFO', label: 'CPU usage high' });
    d.logs.push({ at: -rng.int(10, 40), level: 'INFO', msg: params.split === 'train' ? 'cron: nightly reindex started (expected 45m)' : 'scheduled compaction job running (est. 40 min)' });
  }

  // Keep each store's numbers consistent: a usage percentage implies the active count.
  for (const d of drafts.values()) {
    const pct = d.detailImpacted.connections_used_pct;
    if (pct !== undefined && d.detailImpacted.max_connections === undefined && d.detail.max_connections !== undefined) {
      d.detailImpacted = { ...d.detailImpacted, connections_active: Math.round((d.detail.max_connections * pct) / 100) };
    }
  }

  // Routine lines, jittered timestamps and evidence ids (unique within the incident).
  const services: ServiceSpec[] = [];
  const key = `${params.split}|${params.difficulty}|${params.family ?? '*'}|${params.seed}`;
  const usedIds = new Set<string>();
  const evidenceId = (text: string) => {
    // A finaliser spreads neighbouring keys, so ids do not run in order down a log.
    let h = hash32(text);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h = (h ^ (h >>> 13)) & 0xffff;
    while (usedIds.has(h.toString(16))) h = (h + 1) & 0xffff;
    usedIds.add(h.toString(16));
    return `ev-${h.toString(16).padStart(4, '0')}`;
  };
  const metricIds: Record<string, string> = {};
  const keyLineIds = new Map<string, string[]>();
  for (const d of drafts.values()) {
    metricIds[d.node.name] = evidenceId(`${key}|${d.node.name}|metrics`);
    // A service in trouble logs its routine lines before the onset only, so none contradicts the fault.
    const lastRoutine = d.hop === null ? 6 : -1;
    for (let i = 0; i < knobs.noise; i++) d.logs.push({ at: rng.int(-20, lastRoutine), ...routineLine(rng, d.node, params.split) });
    const timed = d.logs.map((l) => ({ l, second: rng.int(0, 59) })).sort((a, c) => a.l.at - c.l.at || a.second - c.second);
    const lines = timed.map(({ l, second }, i) => {
      const id = evidenceId(`${key}|${d.node.name}|${i}`);
      if (l.key) keyLineIds.set(d.node.name, [...(keyLineIds.get(d.node.name) ?? []), id]);
      return `[${id}] ${timestamp(onsetMinute + l.at, second)} ${l.level.padEnd(5)} ${l.msg}`;
    });
    services.push({ name: d.node.name, owner: d.node.owner, depends_on: d.node.depends_on, overview: d.overview, detail: d.detail, logs: lines });
  }
  faults.forEach((f) => {
    f.decisive = [...(keyLineIds.get(f.root_cause) ?? []), metricIds[f.root_cause]!];
  });

  // The fix menu: every kind on every service where it makes sense.
  const fixes: FixSpec[] = [];
  const fixMinutes: Record<string, number> = {};
  const consequences: Dynamics['consequences'] = {};
  const rightFixes = new Set(faults.map((f) => f.fix));
  for (const n of topo.nodes) {
    for (const kind of kindsForTier(n.tier)) {
      const id = fixId({ kind, target: n.name });
      fixes.push({ id, effect: '', description: REMEDY_KINDS[kind].description });
      fixMinutes[id] = REMEDY_KINDS[kind].minutes;
      const harm = harmOf(kind, n.tier);
      if (harm && !rightFixes.has(id)) {
        const hit = harm.on === 'self' ? [n.name] : topo.callers(n.name).map((c) => c.name);
        if (hit.length) consequences[id] = { services: hit, error_rate: harm.error_rate, minutes: harm.minutes, label: harm.label };
      }
    }
  }
  fixes.sort((a, c) => (a.id < c.id ? -1 : 1));
  for (const f of faults) if (!fixMinutes[f.fix]) throw new Error(`remedy ${f.fix} is not on the menu`);

  const investigateCost = (name: string) => investigationMinutes(topo.byName.get(name)!.depends_on.length);
  const reference = builds.reduce((sum, b) => sum + investigateCost(b.root) + ESCALATE_MINUTES + fixMinutes[fixId(b.remedy)]!, 0);

  const alertRules: AlertSpecData[] = rules.map((r) => ({ ...r }));
  const dynamics: Dynamics = {
    detected_at: timestamp(detectedMinute, 0),
    onset_before_detection: onsetBefore,
    services: Object.fromEntries([...drafts.values()].map((d) => [d.node.name, { impacted: d.impacted, hop: d.hop, fault: d.fault, detail_impacted: d.detailImpacted, metrics_evidence: metricIds[d.node.name]! }])),
    spread_every_min: knobs.spreadEvery,
    initial_depth: knobs.depth,
    burn_per_min: knobs.burn,
    recovery_min: 6,
    alert_rules: alertRules,
    reference_minutes: reference,
    consequences,
    fix_minutes: fixMinutes,
    decoys: decoys.map(fixId).filter((id) => fixMinutes[id] !== undefined),
  };

  const n = topo.nodes.length;
  return {
    id: GENERATED_TASK_ID,
    title: `Generated incident (${params.difficulty})`,
    difficulty: params.difficulty,
    description:
      `A production incident across ${n} services. Investigate, follow the evidence to the root cause, ` +
      'page the team that owns it, apply the right remediation and write a postmortem (cite evidence ids such as [ev-1a2b]). ' +
      'The episode ends with the postmortem. If nothing is actually broken, say so and change nothing.',
    max_steps: knobs.maxSteps,
    services,
    teams: topo.teams,
    fixes,
    alerts: [],
    resolved_alerts: [],
    truth: faults[0]
      ? { root_cause: faults[0].root_cause, team: faults[0].team, fix: faults[0].fix, mechanism: faults[0].mechanism }
      : { root_cause: '', team: '', fix: '', mechanism: 'no fault: every alert was benign' },
    rubric: [],
    postmortem: { mechanism: [], impact: [], remediation: [], prevention: [] },
    generated: { params, faults, dynamics },
  };
}
