/** The red herrings and noise of production, added once the faults are placed. */
import type { Assembly, ServiceDraft } from './assembly.js';
import { SLOW_CALLS_MS } from './assembly.js';
import type { Node } from './types.js';
import { HARMLESS_KINDS, collateralLine, deployLine, exceptionInClient, exceptionOnUpstreamError, harmlessError, scheduledJobLine, slowDependencyLine, threadsStuck, threadsStuckOn } from './voice.js';

/** What every distraction reads: the services the faults leave alone, and a version string maker. */
interface Scene {
  faultRoots: Set<string>;
  /** Services no fault reaches and no fault starts on. */
  bystanders: Node[];
  version(): string;
}

const deployable = (ns: Node[]) => ns.filter((n) => n.tier === 'api' || n.tier === 'worker' || n.tier === 'auth');

/** An unrelated recent deploy on a healthy service. */
function deployHerring({ rng, params, knobs, drafts, decoys }: Assembly, { bystanders, version }: Scene): void {
  if (!knobs.deployHerring || !deployable(bystanders).length) return;
  const b = rng.pick(deployable(bystanders));
  drafts.get(b.name)!.logs.push({ at: -rng.int(5, 40), ...deployLine(rng, b, params.split, version()) });
  decoys.push({ kind: 'rollback', target: b.name });
}

/** A deploy on a victim minutes before onset, then an exception: tempting to roll back, but it names the failing dependency. */
function victimChange(a: Assembly, { version }: Scene): void {
  const { rng, topo, params, knobs, isOpaque, drafts, seen, decoys, showing } = a;
  if (!knobs.victimChange) return;
  const victims = deployable([...drafts.values()].filter((d) => showing(d) && d.hop! >= 1 && d.hop! <= 2).map((d) => d.node));
  if (!victims.length) return;
  const v = rng.pick(victims);
  const dv = drafts.get(v.name)!;
  dv.logs.push({ at: -rng.int(1, 4), ...deployLine(rng, v, params.split, version()) });
  const callee = v.depends_on.find((dep) => drafts.get(dep)!.hop !== null && drafts.get(dep)!.hop! < dv.hop!) ?? v.depends_on[0];
  // Behind a gray failure nothing fails: the deploy is all there is. Nor does a call fail where the
  // root's direct callers fail in their own work (a configuration they applied, a token they present).
  const callsFail = !(dv.hop === 1 && a.builds[dv.fault!]!.callsSucceed);
  if (callee && !a.silent(dv.fault) && callsFail) {
    const dep = topo.byName.get(callee)!;
    // Behind an opaque fault the stack trace names only the client class of the dependency.
    const line = (isOpaque(dv.fault) ? exceptionInClient(rng, dep, params.split) : null) ?? seen(exceptionOnUpstreamError(rng, dep, params.split), dep);
    dv.logs.push({ at: dv.hop! + rng.int(0, 2), ...line, recurs: 'with_fault' });
  }
  decoys.push({ kind: 'rollback', target: v.name });
}


/**
 * A victim that looks like a root: a direct caller's threads all wait on the root. Only where the
 * fault makes calls slow: a fault that fails calls fast (a rejected token, a refused handshake, a
 * wrong DNS answer) leaves no threads waiting.
 */
function victimSignature({ rng, topo, params, knobs, builds, hidden, opaque, drafts, seen, decoys }: Assembly): void {
  if (!knobs.victimSignature) return;
  builds.forEach((b, fi) => {
    // (Nor where the callers' own work is what fails: a regex they apply burns their CPU, no call waits.)
    if (hidden(fi) || b.callsSucceed || b.callerImpact.latency_ms < SLOW_CALLS_MS) return;
    const callers = topo.callers(b.root).filter((c) => (c.tier === 'api' || c.tier === 'auth') && drafts.get(c.name)!.fault === fi);
    if (!callers.length) return;
    const v = rng.pick(callers);
    const d = drafts.get(v.name)!;
    // The pool keeps its size as the failure recurs; how many threads wait varies.
    const pool = d.detail.max_threads ?? rng.pick([64, 128, 200]);
    const root = topo.byName.get(b.root)!;
    // Every occurrence names the root as its first one does (by address where callers give addresses).
    const say = () => (opaque[fi] ? threadsStuck(rng, params.split, pool) : seen(threadsStuckOn(rng, root, params.split, pool), root));
    d.logs.push({ at: d.hop! + rng.int(0, 2), ...say(), recurs: 'with_fault', variants: [say().msg, say().msg] });
    // Its dashboard counts the threads its log counts.
    d.detailImpacted = { ...d.detailImpacted, max_threads: pool, busy_threads: pool, threads_blocked_on_io: pool - 5 };
    decoys.push({ kind: 'restart', target: v.name }, { kind: 'scale_out', target: v.name });
  });
}

/** Production logs are never clean: harmless errors on healthy services. */
function benignErrors({ rng, topo, params, knobs, drafts }: Assembly, { faultRoots }: Scene): void {
  for (const n of topo.nodes.filter((x) => drafts.get(x.name)!.hop === null && !faultRoots.has(x.name) && (x.tier === 'api' || x.tier === 'auth' || x.tier === 'worker'))) {
    if (!rng.chance(knobs.benignErrors)) continue;
    // A service keeps writing its own kind of ordinary error; only the numbers change.
    const kind = rng.int(0, HARMLESS_KINDS - 1);
    drafts.get(n.name)!.logs.push({ at: rng.int(-15, 4), ...harmlessError(rng, n, params.split, kind), recurs: 'always', variants: [harmlessError(rng, n, params.split, kind).msg, harmlessError(rng, n, params.split, kind).msg] });
  }
}

/** A caller's line that makes a healthy dependency look slow. */
function blameHerring({ rng, topo, params, knobs, drafts, seen, showing }: Assembly, { faultRoots }: Scene): void {
  if (!knobs.blameHerring) return;
  const callers = [...drafts.values()].filter((d) => showing(d) && d.hop! >= 1 && d.node.depends_on.some((dep) => drafts.get(dep)!.hop === null && !faultRoots.has(dep)));
  if (!callers.length) return;
  const d = rng.pick(callers);
  const innocent = topo.byName.get(d.node.depends_on.find((dep) => drafts.get(dep)!.hop === null && !faultRoots.has(dep))!)!;
  const slow = () => seen(slowDependencyLine(rng, innocent, params.split), innocent);
  d.logs.push({ at: rng.int(0, 3), ...slow(), recurs: 'always', variants: [slow().msg, slow().msg] });
}

const quietOf = (bystanders: Node[]) => bystanders.filter((n) => n.tier !== 'edge');

/** A real but harmless alert: a disk near its threshold after log rotation. */
function flappingAlert({ rng, params, knobs, drafts }: Assembly, { bystanders }: Scene): void {
  const withDisks = quietOf(bystanders).filter((n) => n.tier !== 'cache' && n.tier !== 'thirdparty');
  if (!knobs.flappingAlert || !withDisks.length) return;
  const b = rng.pick(withDisks);
  const d = drafts.get(b.name)!;
  // As high as a real fault runs it, short of full: the number alone never tells harmless from real.
  d.detail = { ...d.detail, disk_used_pct: rng.int(81, 97) };
  d.logs.push({ at: -rng.int(30, 90), level: 'INFO', msg: params.split === 'train' ? `logrotate: rotated /var/log/app (${rng.int(1, 3)}.${rng.int(0, 9)}G)` : `log rotation complete, ${rng.int(1, 3)}.${rng.int(0, 9)}GB compressed` });
}

/** A loud scheduled job on a healthy service. */
function benignJob({ rng, params, knobs, drafts }: Assembly, { bystanders }: Scene): void {
  const quiet = quietOf(bystanders);
  if (!knobs.benignJob || !quiet.length) return;
  const b = rng.pick(quiet);
  const d = drafts.get(b.name)!;
  d.overview = { ...d.overview, cpu_pct: rng.int(82, 99) };
  d.logs.push({ at: -rng.int(10, 40), level: 'INFO', msg: scheduledJobLine(rng, b, params.split) });
}

/** Collateral: a healthy store near the path takes the load the fault shifted onto it. */
function collateralLoad({ rng, topo, params, knobs, drafts, seen, decoys, showing: shows, silent }: Assembly, { faultRoots }: Scene): void {
  if (!knobs.collateral) return;
  // A gray failure shifts no load onto anyone.
  const showing = (d: ServiceDraft) => shows(d) && !silent(d.fault);
  // The load comes from a caller retrying its failing dependency (each retry reads the store again):
  // a victim, not a root, whose own fault may as well cut the work it does (an expired certificate).
  const retrying = (c: Node) => showing(drafts.get(c.name)!) && !faultRoots.has(c.name);
  const stores = topo.nodes.filter((n) => (n.tier === 'db' || n.tier === 'cache') && drafts.get(n.name)!.hop === null && !faultRoots.has(n.name) && topo.callers(n.name).some(retrying));
  if (!stores.length) return;
  const store = rng.pick(stores);
  const d = drafts.get(store.name)!;
  const from = topo.callers(store.name).find(retrying)!;
  // The extra load comes from the fault, so it goes when the fault does.
  d.hop = Math.min(knobs.depth, drafts.get(from.name)!.hop!);
  d.fault = drafts.get(from.name)!.fault;
  d.impacted = { ...d.impacted, cpu_pct: rng.int(82, 93), latency_p99_ms: Math.round(d.overview.latency_p99_ms! * (2 + rng.int(0, 20) / 10)) };
  // A database's dashboard counts the slow statements its log counts (five minutes' worth).
  const slow = rng.int(150, 600);
  if (d.detail.slow_queries_per_min !== undefined) d.detailImpacted = { ...d.detailImpacted, slow_queries_per_min: Math.round(slow / 5) };
  d.logs.push({ at: rng.int(1, 4), ...seen(collateralLine(rng, store, from, params.split, slow), from) });
  decoys.push({ kind: 'restart', target: store.name });
}

/** Background noise: a few healthy services run slightly warm, as production always does. */
function backgroundNoise({ rng, topo, knobs, drafts }: Assembly, { faultRoots }: Scene): void {
  for (const n of rng.sample(topo.nodes.filter((x) => drafts.get(x.name)!.hop === null && !faultRoots.has(x.name) && x.tier !== 'edge'), knobs.backgroundNoise)) {
    const d = drafts.get(n.name)!;
    d.overview = { ...d.overview, error_rate: rng.int(6, 22) / 1000, latency_p99_ms: Math.round(d.overview.latency_p99_ms! * (1 + rng.int(10, 35) / 100)) };
  }
}

/** The red herrings and noise of production, in this order (the order draws the seed's numbers). */
const DISTRACTIONS = [deployHerring, victimChange, victimSignature, benignErrors, blameHerring, flappingAlert, benignJob, collateralLoad, backgroundNoise];

export function addDistractions(a: Assembly): void {
  const faultRoots = new Set(a.builds.map((b) => b.root));
  const bystanders = a.topo.nodes.filter((n) => a.drafts.get(n.name)!.hop === null && !faultRoots.has(n.name));
  const scene: Scene = { faultRoots, bystanders, version: () => `v${a.rng.int(1, 9)}.${a.rng.int(0, 40)}.${a.rng.int(0, 9)}` };
  for (const add of DISTRACTIONS) add(a, scene);
}
