/**
 * The scenario generator: (seed, difficulty, family, split) -> one incident in the scenario
 * format, byte for byte the same every time. Pure: all randomness comes from an Rng seeded by
 * the parameters.
 */
import type { Difficulty, Dynamics, FaultTruth, FixSpec, GeneratedParams, Scenario, ServiceSpec } from '../scenario.js';
import { baselineDetail, baselineOverview } from './baseline.js';
import { FAMILIES, familyById } from './families/index.js';
import { createRng, hash32, type Rng } from './rng.js';
import { drawTopology } from './topology.js';
import type { FaultBuild, Family, GeneratedFix, Level, LogLine, Node, Topology } from './types.js';

export const GENERATED_TASK_ID = 'generated';

interface Knobs {
  size: [number, number];
  depth: number;
  noise: number;
  redHerrings: number;
  benign: number;
  maxSteps: number;
  burn: number;
  /** Chance of a no-fault control episode, and of two simultaneous faults. */
  control: number;
  double: number;
}

export const KNOBS: Record<Difficulty, Knobs> = {
  easy: { size: [5, 8], depth: 1, noise: 1, redHerrings: 0, benign: 0, maxSteps: 12, burn: 0.5, control: 0, double: 0 },
  medium: { size: [9, 14], depth: 2, noise: 2, redHerrings: 1, benign: 1, maxSteps: 16, burn: 0.8, control: 0, double: 0 },
  hard: { size: [15, 22], depth: 3, noise: 3, redHerrings: 2, benign: 1, maxSteps: 20, burn: 1.1, control: 0, double: 0 },
  expert: { size: [23, 30], depth: 4, noise: 4, redHerrings: 3, benign: 2, maxSteps: 26, burn: 1.4, control: 0.12, double: 0.25 },
};

const ONSET_HOUR = 9;
const NOISE: readonly { level: Level; msg: string }[] = [
  { level: 'INFO', msg: 'GET /healthz 200 (1ms)' },
  { level: 'INFO', msg: 'config reload: 0 keys changed' },
  { level: 'INFO', msg: 'metrics flushed to collector (412 datapoints)' },
  { level: 'INFO', msg: 'gc: young collection 12ms' },
  { level: 'WARN', msg: 'slow request: GET /v1/status took 640ms' },
  { level: 'INFO', msg: 'connection pool stats: active=4 idle=12' },
  { level: 'WARN', msg: 'retrying request after transient error (attempt 1/3): ECONNRESET' },
  { level: 'INFO', msg: 'cache warmup complete' },
  { level: 'INFO', msg: 'leader election: still leader' },
  { level: 'WARN', msg: 'deprecated API version v1beta used by client batch-exporter' },
];

const DAY_ZERO = Date.UTC(2026, 2, 14);

function timestamp(minuteOfDay: number, second: number): string {
  return new Date(DAY_ZERO + Math.round(minuteOfDay) * 60_000 + second * 1000).toISOString().replace('.000Z', 'Z');
}

/** Which services a fault reaches, and how far (in calls) each is from the root. */
function hopsFrom(topo: Topology, root: string): Map<string, number> {
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

function chooseRoot(rng: Rng, topo: Topology, family: Family, exclude: ReadonlySet<string>): Node | null {
  const candidates = topo.nodes.filter((n) => family.rootTiers.includes(n.tier) && !exclude.has(n.name) && topo.callers(n.name).length + (n.tier === 'worker' || n.tier === 'edge' ? 1 : 0) > 0);
  const valid = candidates.filter((n) => {
    if (family.requires?.includes('auth') && n.tier !== 'auth') return topo.callers(n.name).some((c) => c.tier === 'auth');
    if (family.requires?.includes('queue')) return n.depends_on.some((d) => topo.byName.get(d)?.tier === 'queue');
    return true;
  });
  return valid.length ? rng.pick(valid) : null;
}

function requiredTiers(rng: Rng, families: Family[]) {
  return families.flatMap((f) => [rng.pick(f.rootTiers), ...(f.requires ?? [])]);
}

export interface GenerateOptions extends GeneratedParams {}

export function generateScenario(params: GeneratedParams): Scenario {
  const { seed, difficulty, split } = params;
  const knobs = KNOBS[difficulty];
  const rng = createRng(`incident|${split}|${difficulty}|${params.family ?? '*'}|${seed}`);

  const pinned = params.family ? familyById(params.family) : undefined;
  if (params.family && !pinned) throw new Error(`unknown family ${params.family}`);
  const control = !pinned && rng.chance(knobs.control);
  const double = !control && rng.chance(knobs.double);
  const first = pinned ?? rng.pick(FAMILIES);
  const families = control ? [] : double ? [first, rng.pick(FAMILIES.filter((f) => f !== first))] : [first];

  // Draw topologies until every family finds a root (almost always the first try).
  let topo: Topology | null = null;
  let roots: Node[] = [];
  for (let attempt = 0; attempt < 20 && !topo; attempt++) {
    const size = rng.int(knobs.size[0], knobs.size[1]);
    const candidate = drawTopology(rng, split, size, requiredTiers(rng, families));
    const picked: Node[] = [];
    for (const f of families) {
      const r = chooseRoot(rng, candidate, f, new Set(picked.map((p) => p.name)));
      if (r) picked.push(r);
    }
    if (picked.length === families.length) {
      topo = candidate;
      roots = picked;
    }
  }
  if (!topo) throw new Error(`could not place the faults for seed ${seed}`);

  const builds: FaultBuild[] = families.map((f, i) => f.build({ rng, topo: topo!, root: roots[i]!, split }));
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
    const overview = baselineOverview(rng, node);
    drafts.set(node.name, { node, overview, detail: baselineDetail(rng, node), impacted: {}, detailImpacted: {}, logs: [], hop: null, fault: null });
  }

  // Faults: the root's signature, and symptoms along every caller path.
  const faults: FaultTruth[] = [];
  const symptomAlerts: Dynamics['symptom_alerts'] = [];
  const rootAlerts: Dynamics['root_alerts'] = [];
  builds.forEach((b, fi) => {
    const hops = hopsFrom(topo, b.root);
    const root = drafts.get(b.root)!;
    root.hop = 0;
    root.fault = fi;
    root.impacted = { ...root.impacted, ...b.rootOverview };
    root.detailImpacted = { ...root.detailImpacted, ...b.rootDetail };
    root.logs.push(...b.rootLogs);
    rootAlerts.push(b.rootAlert);
    const affected: string[] = [];
    for (const [name, hop] of [...hops].sort((a, b2) => a[1] - b2[1] || (a[0] < b2[0] ? -1 : 1))) {
      if (hop === 0) continue;
      const d = drafts.get(name)!;
      if (d.hop !== null && d.hop <= hop) continue;
      d.hop = hop;
      d.fault = fi;
      const decay = 0.85 ** (hop - 1);
      d.impacted = {
        error_rate: Math.round(b.callerImpact.error_rate * decay * 1000) / 1000,
        latency_p99_ms: d.overview.latency_p99_ms! + Math.round(b.callerImpact.latency_ms * decay),
      };
      if (hop <= knobs.depth + 3) affected.push(name);
      // Each affected caller points at the dependency on its path to the root.
      const next = d.node.depends_on.find((dep) => hops.get(dep) === hop - 1)!;
      const callee = topo.byName.get(next)!;
      const line = hop === 1 ? b.callerLog(d.node, topo.byName.get(b.root)!) : { level: 'ERROR' as Level, msg: `upstream ${callee.name} failed: GET /v1/${callee.domain} timed out or returned 5xx` };
      d.logs.push({ at: hop + rng.int(0, 2), level: line.level, msg: line.msg }, { at: hop + rng.int(3, 5), level: line.level, msg: line.msg });
    }
    for (const s of b.symptoms ?? []) {
      const d = drafts.get(s.service)!;
      if (d.hop === null) {
        d.hop = 1;
        d.fault = fi;
      }
      d.impacted = { ...d.impacted, ...s.overview };
      d.detailImpacted = { ...d.detailImpacted, ...s.detail };
      d.logs.push({ at: 2, level: s.log.level, msg: s.log.msg });
      symptomAlerts.push({ service: s.service, fault: fi, severity: s.alert.severity, text: s.alert.text });
      if (!affected.includes(s.service)) affected.unshift(s.service);
    }
    faults.push({
      family: b.family,
      root_cause: b.root,
      team: b.team,
      fix: b.fix.id,
      mechanism: b.mechanism,
      trigger: b.trigger,
      affected,
      concepts: b.concepts,
    });
  });

  const faultRoots = new Set(builds.map((b) => b.root));
  const bystanders = topo.nodes.filter((n) => drafts.get(n.name)!.hop === null && !faultRoots.has(n.name));
  const staticAlerts: string[] = [];
  const wrongFixes: GeneratedFix[] = builds.flatMap((b) => b.wrongFixes);

  // Red herrings: an unrelated recent deploy, a flapping alert, a log line blaming a bystander.
  const herrings = rng.sample(['deploy', 'flapping', 'blame'] as const, knobs.redHerrings);
  for (const kind of herrings) {
    if (kind === 'deploy' && bystanders.length) {
      const b = rng.pick(bystanders.filter((n) => n.tier === 'api' || n.tier === 'worker').length ? bystanders.filter((n) => n.tier === 'api' || n.tier === 'worker') : bystanders);
      drafts.get(b.name)!.logs.push({ at: -rng.int(5, 30), level: 'INFO', msg: `deploy: ${b.name} v${rng.int(1, 9)}.${rng.int(0, 40)}.${rng.int(0, 9)} rolled out to ${b.replicas}/${b.replicas} pods (change: logging format)` });
      wrongFixes.push({
        id: `rollback_${b.name}`,
        description: `Roll ${b.name} back to its previous release`,
        effect: `${b.name} rolled back; the previous release has a known bug in its health endpoint and starts failing its own requests.`,
        minutes: 10,
        consequence: { service: b.name, error_rate: 0.15, minutes: 15, alert: `[WARNING] ${b.name}: errors after rollback` },
      });
    } else if (kind === 'flapping' && bystanders.length) {
      const b = rng.pick(bystanders);
      staticAlerts.push(`[WARNING] ${b.name}: disk usage ${rng.int(80, 86)}% (flapping)`);
      drafts.get(b.name)!.logs.push({ at: -rng.int(30, 90), level: 'INFO', msg: 'log rotation complete: freed 2.1G on /var/log' });
    } else if (kind === 'blame') {
      const affectedCallers = [...drafts.values()].filter((d) => d.hop !== null && d.hop >= 1 && d.node.depends_on.some((dep) => drafts.get(dep)!.hop === null));
      if (affectedCallers.length) {
        const d = rng.pick(affectedCallers);
        const innocent = d.node.depends_on.find((dep) => drafts.get(dep)!.hop === null)!;
        d.logs.push({ at: 1, level: 'WARN', msg: `possible cause: ${innocent} responded slowly (${rng.int(250, 600)}ms) to GET /v1/status` });
      }
    }
  }

  // Concurrent benign issues: loud but harmless.
  for (const b of rng.sample(bystanders, knobs.benign)) {
    const d = drafts.get(b.name)!;
    d.overview = { ...d.overview, cpu_pct: rng.int(82, 94) };
    staticAlerts.push(`[INFO] ${b.name}: CPU ${d.overview.cpu_pct}% (scheduled reindex job)`);
    d.logs.push({ at: -rng.int(10, 40), level: 'INFO', msg: 'scheduled reindex job started (expected duration 45m, CPU-heavy)' });
  }

  // Noise, timestamps and evidence ids (unique within the incident).
  const services: ServiceSpec[] = [];
  const key = `${params.split}|${params.difficulty}|${params.family ?? '*'}|${params.seed}`;
  const usedIds = new Set<string>();
  const evidenceId = (text: string) => {
    let h = hash32(text) & 0xffff;
    while (usedIds.has(h.toString(16))) h = (h + 1) & 0xffff;
    usedIds.add(h.toString(16));
    return `ev-${h.toString(16).padStart(4, '0')}`;
  };
  const metricIds: Record<string, string> = {};
  for (const d of drafts.values()) {
    metricIds[d.node.name] = evidenceId(`${key}|${d.node.name}|metrics`);
    for (let i = 0; i < knobs.noise + 1; i++) {
      const n = rng.pick(NOISE);
      d.logs.push({ at: rng.int(-20, 6), level: n.level, msg: n.msg });
    }
    d.logs.sort((a, b) => a.at - b.at);
    const lines = d.logs.map((l, i) => {
      const id = evidenceId(`${key}|${d.node.name}|${i}`);
      return `[${id}] ${timestamp(onsetMinute + l.at, (i * 7 + 3) % 60)} ${l.level.padEnd(5)} ${l.msg}`;
    });
    services.push({ name: d.node.name, owner: d.node.owner, depends_on: d.node.depends_on, overview: d.overview, detail: d.detail, logs: lines });
  }

  const rightFixes = builds.map((b) => b.fix);
  const fixes: GeneratedFix[] = [];
  for (const f of [...rightFixes, ...wrongFixes]) if (!fixes.some((x) => x.id === f.id)) fixes.push(f);
  // Sorted by id, so the list order never hints at the remedy.
  const fixSpecs: FixSpec[] = fixes.map((f) => ({ id: f.id, effect: f.effect, description: f.description })).sort((a, b) => (a.id < b.id ? -1 : 1));

  const investigateCost = (name: string) => investigationMinutes(topo.byName.get(name)!.depends_on.length);
  const reference = builds.reduce((sum, b) => sum + investigateCost(b.root) + ESCALATE_MINUTES + b.fix.minutes, 0);

  const dynamics: Dynamics = {
    detected_at: timestamp(detectedMinute, 0),
    onset_before_detection: onsetBefore,
    services: Object.fromEntries([...drafts.values()].map((d) => [d.node.name, { impacted: d.impacted, hop: d.hop, fault: d.fault, detail_impacted: d.detailImpacted, metrics_evidence: metricIds[d.node.name]! }])),
    spread_every_min: 15,
    initial_depth: knobs.depth,
    burn_per_min: knobs.burn,
    recovery_min: 6,
    root_alerts: rootAlerts,
    symptom_alerts: symptomAlerts,
    static_alerts: staticAlerts,
    reference_minutes: reference,
    consequences: Object.fromEntries(fixes.filter((f) => f.consequence).map((f) => [f.id, f.consequence!])),
    fix_minutes: Object.fromEntries(fixes.map((f) => [f.id, f.minutes])),
  };

  const first = faults[0];
  const n = topo.nodes.length;
  return {
    id: GENERATED_TASK_ID,
    title: `Generated incident (${params.difficulty})`,
    difficulty: params.difficulty,
    description:
      `A production incident across ${n} services. Investigate the alerting services, follow the evidence to the root cause, ` +
      'page the team that owns it, apply the right remediation and write a postmortem (cite evidence ids such as [ev-1a2b]). ' +
      'If nothing is actually broken, say so and change nothing.',
    max_steps: knobs.maxSteps,
    services,
    teams: topo.teams,
    fixes: fixSpecs,
    alerts: [],
    resolved_alerts: [],
    truth: first
      ? { root_cause: first.root_cause, team: first.team, fix: first.fix, mechanism: first.mechanism }
      : { root_cause: '', team: '', fix: '', mechanism: 'no fault: every alert was benign' },
    rubric: [],
    postmortem: { mechanism: [], impact: [], remediation: [], prevention: [] },
    generated: { params, faults, dynamics },
  };
}

export const ESCALATE_MINUTES = 3;
export const investigationMinutes = (dependencies: number) => 2 + Math.ceil(dependencies / 2);
