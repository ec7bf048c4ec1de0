/**
 * Simulated time for generated incidents: what the metrics and alerts look like at a given
 * minute, given which fixes were applied when. Symptoms spread while the fault is unfixed,
 * recover over a few minutes after the right fix, and wrong changes leave their own damage.
 * Alerts are rules over the simulated metrics, rendered to text only here.
 */
import type { Episode, FixAttempt } from './episode.js';
import type { AlertSpecData, RecurringLine, ServiceSpec, Task } from './scenario.js';
import { CLOCK_READING } from './scenario.js';
import { hash32 } from './generator/rng.js';

export interface Snapshot {
  metrics: Record<string, Record<string, number>>;
  alerts: string[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
/** A control's blip burns this share of a full fault's budget rate while it lasts. */
const TRANSIENT_BURN_SHARE = 0.5;

/** Whether attempt `x` is fault `fault`'s remedy or one of its mitigations. */
export function addresses(task: Task, fault: number, x: FixAttempt): boolean {
  const f = task.scenario.generated!.faults[fault]!;
  return x.fix === f.fix || f.mitigations.includes(x.fix);
}

/** A remedy holds only once what it needs first (load shed at the edge) went in before it. */
export function holds(task: Task, fixes: readonly FixAttempt[], fault: number, x: FixAttempt): boolean {
  const needs = task.scenario.generated!.faults[fault]!.needs_first;
  return !needs?.length || fixes.some((y) => needs.includes(y.fix) && y.step < x.step);
}

/** Attempts at fault `fault`'s remedy that did not hold because nothing was shed first. */
export function prematureAttempts(task: Task, fixes: readonly FixAttempt[], fault: number): FixAttempt[] {
  return fixes.filter((x) => addresses(task, fault, x) && !holds(task, fixes, fault, x));
}

/** The minute fault `fault` was stopped (its remedy or a mitigation in place and holding), if it was. */
export function stoppedAt(task: Task, fixes: readonly FixAttempt[], fault: number): number | undefined {
  return fixes.find((x) => addresses(task, fault, x) && holds(task, fixes, fault, x))?.minute;
}

/**
 * Whether, at `minute`, fault `fault` is held off only by a mitigation: a mitigation took hold and
 * its remedy has not (the symptoms stop, the cause stays on the root's dashboard).
 */
export function easedOnly(task: Task, fixes: readonly FixAttempt[], fault: number, minute: number): boolean {
  const f = task.scenario.generated!.faults[fault]!;
  if (!f.mitigations.length) return false;
  const eased = fixes.some((x) => f.mitigations.includes(x.fix) && x.minute <= minute && holds(task, fixes, fault, x));
  return eased && !fixes.some((x) => x.fix === f.fix && x.minute <= minute && holds(task, fixes, fault, x));
}

/**
 * How strongly fault `fault` shows at `minute`: 1 until fixed, then fading to 0. A masked fault
 * shows nothing until the fault masking it is stopped, then grows as load returns.
 */
export function faultImpact(task: Task, fixes: readonly FixAttempt[], fault: number, minute: number): number {
  const maskedBy = task.scenario.generated!.faults[fault]!.masked_by;
  return impactGiven(task, stoppedAt(task, fixes, fault), maskedBy === undefined ? null : stoppedAt(task, fixes, maskedBy), minute);
}

/** `faultImpact` from the minutes the fault and the fault masking it (null: none) were stopped. */
function impactGiven(task: Task, fixed: number | undefined, unmasked: number | undefined | null, minute: number): number {
  const recovery = task.scenario.generated!.dynamics.recovery_min;
  const own = fixed === undefined || minute <= fixed ? 1 : Math.max(0, 1 - (minute - fixed) / recovery);
  if (unmasked === null) return own;
  return unmasked === undefined ? 0 : own * Math.min(1, Math.max(0, (minute - unmasked) / recovery));
}

/** How much of a no-fault control's self-resolving blip is left at `minute` (1 at detection, 0 once over). */
function transientShare(task: Task, minute: number): number {
  const t = task.scenario.generated!.dynamics.transient;
  return t ? Math.max(0, 1 - Math.max(0, minute) / t.until_minute) : 0;
}

/**
 * Each fault's state at a minute, which is all the readings take from the faults: how far its
 * symptoms have spread (they stop spreading once it is stopped), how strongly it shows, and whether
 * its latent settings (a lowered limit) still hold.
 */
interface FaultState {
  depths: number[];
  impacts: number[];
  latentOpen: number[];
}

/** A state no minute has: the first `faultStateAt` into it always reports a move. */
const faultState = (faults: number): FaultState => ({ depths: Array(faults).fill(-1), impacts: Array(faults).fill(-1), latentOpen: Array(faults).fill(-1) });

/** Writes the faults' state at `minute` (given when each was stopped) into `into`; true if it moved. */
function faultStateAt(task: Task, stops: readonly (number | undefined)[], minute: number, into: FaultState): boolean {
  const faults = task.scenario.generated!.faults;
  let moved = false;
  for (let i = 0; i < faults.length; i++) {
    const stop = stops[i];
    const masker = faults[i]!.masked_by;
    const depth = spreadDepth(task, stop === undefined ? minute : Math.min(minute, stop));
    const impact = impactGiven(task, stop, masker === undefined ? null : stops[masker], minute);
    const open = stop === undefined || minute < stop ? 1 : 0;
    if (depth !== into.depths[i] || impact !== into.impacts[i] || open !== into.latentOpen[i]) moved = true;
    into.depths[i] = depth;
    into.impacts[i] = impact;
    into.latentOpen[i] = open;
  }
  return moved;
}

/** How many calls away from the root the symptoms have reached by `minute`. */
export const spreadDepth = (task: Task, minute: number) => {
  const d = task.scenario.generated!.dynamics;
  return d.initial_depth + Math.floor(Math.max(0, minute) / d.spread_every_min);
};

/** Settings, not gauges: a fix changes them at once (a raised limit does not creep up). */
const STEP_KEYS = new Set(['max_connections', 'rate_limit_rps', 'cpu_limit_millicores', 'hpa_max_replicas', 'config_revision', 'flag_changes_last_hour', 'zone_changes_last_hour', 'pods_desired', 'cert_seconds_remaining', 'time_sources_reachable', 'circuit_open', 'breakers_open', 'circuits_open', 'longest_query_s']);

const blend = (base: Record<string, number>, target: Record<string, number>, k: number) => {
  const out = { ...base };
  if (k <= 0) {
    // Constants (readings with no healthy value) stay what they were set to.
    for (const [key, value] of Object.entries(target)) if (base[key] === undefined) out[key] = value;
    return out;
  }
  for (const [key, value] of Object.entries(target)) {
    if (STEP_KEYS.has(key) && base[key] !== undefined) {
      out[key] = k >= 1 ? value : base[key]!;
      continue;
    }
    const from = base[key];
    // A reading with no healthy value (a configured size, a version) is a constant: it never fades.
    if (from === undefined) {
      out[key] = value;
      continue;
    }
    out[key] = Number.isInteger(from) && Number.isInteger(value) ? Math.round(from + (value - from) * k) : round3(from + (value - from) * k);
  }
  return out;
};

/** Every metric of every service at `minute` (overview and detail together). */
type MetricMaps = {
  full: Map<string, Record<string, number>>;
  overview: Map<string, Record<string, number>>;
  /** How badly the faults hurt users at this state (`harmTo`, worst user-facing service): what the error budget burns on. */
  harm: number;
  key: string;
  /** The readings shown with each set of open dashboards, memoised with the state (at most SHOWN_LIMIT sets). */
  shown: Map<number | string, Snapshot['metrics']>;
  /** The alerts (as data and as text) at this state, by the states they are compared with (the checkpoints' keys), memoised with it. */
  alerting: Map<string, Alerting>;
};

/** Dashboard sets remembered per simulated state; past it the memo starts again (it is only a cache). */
const SHOWN_LIMIT = 256;

/** Keeps a simulated state (readings, alerts, their text) in the task's bounded memo. */
function remember<T extends {}>(task: Task, key: string, value: T): T {
  task.memo.states.set(key, value);
  return value;
}

function metricsAt(task: Task, fixes: readonly FixAttempt[], minute: number): MetricMaps {
  let perMinute = task.memo.byChanges.get(fixes) as Map<number, MetricMaps> | undefined;
  const known = perMinute?.get(minute);
  if (known) return known;
  const state = metricsByKey(task, fixes, minute);
  if (!perMinute) task.memo.byChanges.set(fixes, (perMinute = new Map()));
  perMinute.set(minute, state);
  return state;
}

function metricsByKey(task: Task, fixes: readonly FixAttempt[], minute: number): MetricMaps {
  const g = task.scenario.generated!;
  const d = g.dynamics;
  const stops = g.faults.map((_, i) => stoppedAt(task, fixes, i));
  const state = faultState(g.faults.length);
  faultStateAt(task, stops, minute, state);
  const { depths, impacts, latentOpen } = state;
  const damage = new Map<string, number>();
  const active: string[] = [];
  for (const f of fixes) {
    const c = d.consequences[f.fix];
    if (!c || minute < f.minute || minute >= f.minute + c.minutes) continue;
    active.push(f.fix);
    for (const s of c.services) damage.set(s, (damage.get(s) ?? 0) + c.error_rate);
  }
  // Everything the readings depend on, besides the task: most minutes of an episode repeat a state.
  const blipNow = d.transient ? transientShare(task, minute) : 0;
  const eased = g.faults.map((_, i) => (easedOnly(task, fixes, i, minute) ? 1 : 0));
  const key = `m|${depths.join(',')}|${impacts.join(',')}|${[...damage].sort().join(';')}|${active.sort().join(',')}|${blipNow}|${latentOpen.join('')}|${eased.join('')}`;
  const cached = task.memo.states.get(key) as MetricMaps | undefined;
  if (cached) return cached;
  return remember(task, key, { ...computeMetrics(task, depths, impacts, damage, active, blipNow, latentOpen, eased), key, shown: new Map(), alerting: new Map() });
}

/**
 * Backlogs keep growing while their fault is unfixed, by what the consumer fails to take: the
 * backlog at detection built up over the minutes since the consumer began failing
 * (`backlog_since_min`, else the onset), so each spread step (every `spread_every_min` minutes)
 * adds that many minutes' worth again.
 */
const BACKLOGS = ['queue_depth', 'messages_ready', 'consumer_lag_s'];

function backlogsGrown(task: Task, since: number | undefined, target: Record<string, number>, base: Record<string, number>, spreadSteps: number): Record<string, number> {
  if (spreadSteps <= 0 || !BACKLOGS.some((m) => target[m] !== undefined)) return target;
  const d = task.scenario.generated!.dynamics;
  const perStep = d.spread_every_min / Math.max(1, since ?? d.onset_before_detection);
  const grown = { ...target };
  for (const m of BACKLOGS) if (grown[m] !== undefined) grown[m] = Math.round(grown[m] + (grown[m] - (base[m] ?? 0)) * perStep * spreadSteps);
  return grown;
}

/** Counts of failed requests a minute kept on a dashboard (an API's 5xx are derived below): they scale with the requests a service is sent. */
const FAILURE_COUNTERS = ['token_failures_per_min'];

/** The business throughput reading of an API's dashboard (its name differs by split). */
const THROUGHPUT_READINGS = ['transactions_vs_last_week_pct', 'completed_orders_vs_last_week_pct'];

/**
 * How badly a user-facing service is failing its users, from readings anyone can see, against its
 * usual ones: the share of requests failing beyond the usual, the share of business lost against
 * last week, or a p99 grown towards ten times its usual (whichever is worst), in [0, 1].
 */
function harmTo(spec: { overview: Record<string, number>; detail: Record<string, number> }, o: Record<string, number>, detail: Record<string, number>): number {
  const errors = Math.max(0, (o.error_rate ?? 0) - (spec.overview.error_rate ?? 0));
  const usual = spec.overview.latency_p99_ms ?? 0;
  const slow = usual > 0 ? Math.min(1, Math.max(0, ((o.latency_p99_ms ?? usual) / usual - 1) / 9)) : 0;
  let lost = 0;
  for (const m of THROUGHPUT_READINGS) if (spec.detail[m] !== undefined && detail[m] !== undefined) lost = Math.max(0, (spec.detail[m]! - detail[m]!) / 100);
  return Math.min(1, Math.max(errors, slow, lost));
}

function computeMetrics(task: Task, depths: readonly number[], impacts: number[], damage: Map<string, number>, changes: string[], blipNow: number, latentOpen: number[], eased: readonly number[] = []): Pick<MetricMaps, 'full' | 'overview' | 'harm'> {
  const d = task.scenario.generated!.dynamics;
  const full = new Map<string, Record<string, number>>();
  const overview = new Map<string, Record<string, number>>();
  const faultOnlyOf = new Map<string, Record<string, number>>();
  let harm = 0;
  for (const [name, spec] of task.serviceByName) {
    const dyn = d.services[name]!;
    const depth = dyn.fault === null ? 0 : depths[dyn.fault]!;
    const reached = dyn.fault !== null && dyn.hop !== null && dyn.hop <= depth;
    // A service two faults reach stays hit until both are stopped, and shows the worse one.
    let k = reached ? impacts[dyn.fault!]! : 0;
    let profile: { impacted: Record<string, number>; detail_impacted: Record<string, number> } = dyn;
    for (const f of dyn.also) {
      // Another fault shows here once this one has (or, at its own distance, before: a gray failure
      // that a loud one has yet to reach).
      const own = dyn.profiles?.[f];
      const there = reached || (own?.hop !== undefined && own.hop <= depths[f]!);
      if (!there || impacts[f]! <= k) continue;
      k = impacts[f]!;
      profile = own ?? dyn;
    }
    let o = blend(spec.overview, profile.impacted, k);
    // What another fault burns here (a regex it applies) shows as long as that fault lasts, whichever shows.
    if (dyn.burns) {
      for (const [f, readings] of Object.entries(dyn.burns)) {
        const burnt = blend(spec.overview, readings, impacts[Number(f)]!);
        for (const m of Object.keys(readings)) if ((burnt[m] ?? 0) > (o[m] ?? 0)) o = { ...o, [m]: burnt[m]! };
      }
    }
    // Load shed at an edge above caps a flooded root's request rate while the shedding lasts (and
    // with it what its counters count).
    let relieved = 1;
    for (const fix of changes) {
      const cap = d.consequences[fix]!.relief?.[name];
      if (cap !== undefined && (o.requests_per_sec ?? 0) > cap) {
        relieved = cap / o.requests_per_sec!;
        o = { ...o, requests_per_sec: cap };
      }
    }
    const faultOnly = o;
    faultOnlyOf.set(name, faultOnly);
    const blip = d.transient?.service === name ? blipNow * d.transient.error_rate : 0;
    const extra = (damage.get(name) ?? 0) + blip;
    if (extra) o = { ...o, error_rate: round3(Math.min(1, (o.error_rate ?? 0) + extra)) };
    overview.set(name, o);
    // A masked root reads its latent settings (a lowered limit) until its own remedy is in.
    const base = dyn.latent && latentOpen[dyn.fault!] === 1 ? { ...spec.detail, ...dyn.latent } : spec.detail;
    const target = backlogsGrown(task, dyn.backlog_since_min, profile.detail_impacted, base, k > 0 ? depth - d.initial_depth : 0);
    let detail = blend(base, target, k);
    // A consumer catching up after its remedy acks its usual work and the backlog as it drains
    // (the backlog empties over the recovery minutes).
    if (k > 0 && k < 1 && dyn.hop === 0 && latentOpen[dyn.fault!] === 0 && target.consumer_lag_s !== undefined) {
      const acks = spec.detail.jobs_per_min !== undefined ? 'jobs_per_min' : 'deliveries_acked_per_min';
      const usual = spec.detail[acks];
      if (usual !== undefined) detail[acks] = Math.round(usual + (usual * (target.consumer_lag_s - (spec.detail.consumer_lag_s ?? 0))) / 60 / d.recovery_min);
    }
    // A root held off only by a mitigation still reads its cause (a replica still lagging).
    if (dyn.eased && dyn.hop === 0 && eased[dyn.fault!] === 1) detail = { ...detail, ...dyn.eased };
    if (relieved < 1) for (const m of FAILURE_COUNTERS) if (detail[m] !== undefined) detail[m] = Math.round(detail[m] * relieved);
    // A change's own counters (requests rejected while load is shed) add to the readings while it lasts.
    for (const fix of changes) {
      const c = d.consequences[fix]!;
      if (c.detail && c.services.includes(name)) for (const [m, v] of Object.entries(c.detail)) detail[m] = (detail[m] ?? 0) + v;
    }
    // An API counts the requests it fails: its 5xx a minute are its error rate of its requests,
    // whatever raised them (a fault, a change's damage, a blip, background noise).
    if (detail.http_5xx_per_min !== undefined) detail.http_5xx_per_min = Math.round((o.requests_per_sec ?? 0) * 60 * (o.error_rate ?? 0));
    // A usage share always agrees with the counts it is made of.
    const inUse = detail.connections_active ?? detail.threads_connected;
    if (inUse !== undefined && detail.max_connections) detail.connections_used_pct = Math.round((100 * inUse) / detail.max_connections);
    full.set(name, { ...o, ...detail });
    // The faults' harm, not a change's damage or a control's blip (the budget measures the faults).
    if (d.user_facing.includes(name) && !dyn.forwards) harm = Math.max(harm, harmTo(spec, faultOnly, detail));
  }
  for (const [name, spec] of task.serviceByName) if (d.services[name]!.forwards) harm = Math.max(harm, forward(task, name, spec, overview, full, faultOnlyOf));
  return { full, overview, harm };
}

/**
 * An edge proxy's readings from its upstreams' at the same minute: it fails the share of its
 * traffic they fail beyond their usual errors (request volumes add up), on top of its own usual
 * errors and any damage done to it; returns its harm to users (from the faults alone).
 */
function forward(task: Task, name: string, spec: ServiceSpec, overview: Map<string, Record<string, number>>, full: Map<string, Record<string, number>>, faultOnlyOf: Map<string, Record<string, number>>): number {
  let total = 0;
  let shown = 0;
  let faults = 0;
  for (const up of spec.depends_on) {
    const usual = task.serviceByName.get(up)!.overview;
    const rps = usual.requests_per_sec ?? 0;
    total += rps;
    shown += rps * Math.max(0, (overview.get(up)!.error_rate ?? 0) - (usual.error_rate ?? 0));
    faults += rps * Math.max(0, (faultOnlyOf.get(up)!.error_rate ?? 0) - (usual.error_rate ?? 0));
  }
  if (total === 0) return 0;
  const before = overview.get(name)!;
  // Its own damage (requests shed at it) stays on top of what it forwards.
  const own = (before.error_rate ?? 0) - (faultOnlyOf.get(name)!.error_rate ?? 0);
  const usual = spec.overview.error_rate ?? 0;
  // Its p99 is its own usual time plus how much slower than usual the slowest upstream it sends a
  // real share of its traffic to (2% or more) has become: a p99 over its whole traffic.
  let slower = 0;
  for (const up of spec.depends_on) {
    const usualUp = task.serviceByName.get(up)!.overview;
    if ((usualUp.requests_per_sec ?? 0) < 0.02 * total) continue;
    slower = Math.max(slower, (overview.get(up)!.latency_p99_ms ?? 0) - (usualUp.latency_p99_ms ?? 0));
  }
  const p99 = (spec.overview.latency_p99_ms ?? 0) + Math.round(slower);
  const o = { ...before, error_rate: round3(Math.min(1, usual + shown / total + own)), latency_p99_ms: p99 };
  overview.set(name, o);
  const detail = full.get(name)!;
  const failing = Math.round(((spec.overview.requests_per_sec ?? 0) * 60 * shown) / total);
  full.set(name, { ...detail, ...o, ...(detail.upstream_5xx_per_min !== undefined ? { upstream_5xx_per_min: (spec.detail.upstream_5xx_per_min ?? 0) + failing } : {}) });
  return harmTo(spec, { ...faultOnlyOf.get(name)!, error_rate: round3(usual + faults / total) }, detail);
}

const breaches = (rule: AlertSpecData, metrics: Map<string, Record<string, number>>) => {
  const v = metrics.get(rule.service)?.[rule.metric];
  return v !== undefined && (rule.op === '>' ? v > rule.threshold : v < rule.threshold);
};

const SEVERITY_RANK: Record<string, number> = { CRITICAL: 0, WARNING: 1, INFO: 2, RESOLVED: 3 };

export function renderAlert(status: string, rule: AlertSpecData, value: number | undefined): string {
  return `[${status}] ${rule.service}: ${rule.label} (${rule.metric}=${value ?? 'n/a'}, threshold ${rule.op} ${rule.threshold})`;
}

/** The alerts of a state as data, and their text once `snapshot` has rendered it. */
interface Alerting {
  alerts: AlertState[];
  rendered?: string[];
}

/** An alert as data: its rule, its status at the minute, and the value it read. */
export interface AlertState {
  rule: AlertSpecData;
  status: 'CRITICAL' | 'WARNING' | 'INFO' | 'RESOLVED';
  value: number | undefined;
}

export function snapshot(task: Task, ep: Episode, minute: number, detailFor: ReadonlySet<string>): Snapshot {
  const { metrics, alerting } = stateAt(task, ep.fixes, minute, detailFor);
  const alerts = alerting.alerts;
  const rendered = (alerting.rendered ??= alerts.map((a) => renderAlert(a.status, a.rule, a.value)));
  if (minute <= 0) return { metrics, alerts: rendered };
  // A clock reading moves every minute, so it is applied to the (memoised) state as it is shown.
  const ticked = alerts.some((a) => a.rule.metric === COUNTDOWN) ? alerts.map((a, i) => (a.rule.metric === COUNTDOWN && a.value !== undefined ? renderAlert(a.status, a.rule, a.value - 60 * minute) : rendered[i]!)) : rendered;
  return { metrics: aged(task, ep.fixes, countedDown(task, metrics, minute), minute), alerts: ticked };
}

/**
 * An age, not a gauge: an open transaction's age (as the database reports its oldest one) grows
 * sixty seconds a minute until the remedy ends it. The state holds its value at detection.
 */
function aged(task: Task, fixes: readonly FixAttempt[], metrics: Snapshot['metrics'], minute: number): Snapshot['metrics'] {
  let out: Snapshot['metrics'] | undefined;
  for (const a of task.aged) {
    const reading = metrics[a.service]![a.metric];
    const stop = stoppedAt(task, fixes, a.fault);
    if (reading === undefined || (stop !== undefined && minute > stop)) continue;
    out ??= { ...metrics };
    out[a.service] = { ...metrics[a.service], [a.metric]: reading + 60 * minute };
  }
  return out ?? metrics;
}

/**
 * A clock, not a gauge: a certificate's remaining lifetime (as its exporter computes it from the
 * certificate's expiry) falls by sixty seconds every simulated minute, expired or not. The state
 * holds its value at detection (or, once renewed, the new certificate's).
 */
const COUNTDOWN = CLOCK_READING;

function countedDown(task: Task, metrics: Snapshot['metrics'], minute: number): Snapshot['metrics'] {
  let out: Snapshot['metrics'] | undefined;
  for (const name of task.clocked) {
    const reading = metrics[name]![COUNTDOWN];
    if (reading === undefined) continue;
    out ??= { ...metrics };
    out[name] = { ...metrics[name], [COUNTDOWN]: reading - 60 * minute };
  }
  return out ?? metrics;
}

/** Metrics and alerts (as data) at `minute`; text is made only by `snapshot`, at the edge. */
function stateAt(task: Task, fixes: readonly FixAttempt[], minute: number, detailFor: ReadonlySet<string>): { metrics: Snapshot['metrics']; alerting: Alerting } {
  const d = task.scenario.generated!.dynamics;
  const now = metricsAt(task, fixes, minute);
  // The readings shown: the same state and the same open dashboards give the same (shared) object.
  // Which dashboards are open, as a bit per service (a list of names past 52 services).
  let open: number | string = 0;
  let bit = 1;
  for (const name of task.serviceByName.keys()) {
    if (detailFor.has(name)) open = typeof open === 'number' && bit <= 2 ** 52 ? open + bit : `${open},${name}`;
    bit *= 2;
  }
  let metrics = now.shown.get(open);
  if (!metrics) {
    metrics = {};
    for (const name of task.serviceByName.keys()) metrics[name] = detailFor.has(name) ? now.full.get(name)! : now.overview.get(name)!;
    if (now.shown.size >= SHOWN_LIMIT) now.shown.clear();
    now.shown.set(open, metrics);
  }

  // An alert that fired at detection or at any change since, and no longer breaches, shows as RESOLVED.
  const checkpoints = new Set<number>([0]);
  for (const f of fixes) if (f.minute <= minute) checkpoints.add(f.minute).add(Math.min(minute, f.minute + 1));
  const past = [...checkpoints].filter((m) => m !== minute).map((m) => metricsAt(task, fixes, m));
  // The alerts follow from the readings now and at the checkpoints: the same readings, the same alerts.
  const pastKey = past.length === 0 ? '' : past.length === 1 ? past[0]!.key : [...new Set(past.map((p) => p.key))].sort().join('|');
  const cached = now.alerting.get(pastKey);
  if (cached) return { metrics, alerting: cached };
  const alerts: AlertState[] = [];
  for (const rule of d.alert_rules) {
    const value = now.full.get(rule.service)?.[rule.metric];
    if (breaches(rule, now.full)) {
      alerts.push({ rule, status: rule.severity, value });
      continue;
    }
    if (past.some((m) => breaches(rule, m.full))) alerts.push({ rule, status: 'RESOLVED', value });
  }
  const key = (a: AlertState) => `${a.rule.service}\u0000${a.rule.label}\u0000${a.rule.metric}`;
  alerts.sort((a, b) => SEVERITY_RANK[a.status]! - SEVERITY_RANK[b.status]! || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const alerting: Alerting = { alerts };
  if (now.alerting.size >= SHOWN_LIMIT) now.alerting.clear();
  now.alerting.set(pastKey, alerting);
  return { metrics, alerting };
}

/** Error budget burned over `minutes` starting at `from` (percent points), while faults are unfixed. */
export function budgetBurn(task: Task, ep: Episode, from: number, minutes: number): number {
  const g = task.scenario.generated!;
  let burned = 0;
  if (g.faults.length === 0) {
    // A self-resolving blip burns a little budget, then nothing.
    for (let m = from; m < from + minutes; m++) burned += g.dynamics.burn_per_min * TRANSIENT_BURN_SHARE * transientShare(task, m);
    return Math.round(burned * 100) / 100;
  }
  // The budget burns on what users feel, at the difficulty's rate when it is as bad as at detection.
  const atDetection = Math.max(HARM_FLOOR, metricsAt(task, NO_CHANGES, 0).harm);
  // When each fault was stopped, found once for every minute summed; the harm is looked up only
  // when the spread or a fault's impact moved since the minute before.
  const stops = g.faults.map((_, i) => stoppedAt(task, ep.fixes, i));
  const state = faultState(g.faults.length);
  let share = 0;
  for (let m = from; m < from + minutes; m++) {
    // The first minute is the one the last observation showed: its state is usually memoised already.
    if (faultStateAt(task, stops, m, state)) share = Math.min(1, (m === from ? metricsAt(task, ep.fixes, m).harm : harmAt(task, state.depths, state.impacts, state.latentOpen)) / atDetection);
    burned += g.dynamics.burn_per_min * share;
  }
  return Math.round(burned * 100) / 100;
}

/** The faults' harm to users at a state of the spread and the faults (memoised with the task's states). */
function harmAt(task: Task, depths: readonly number[], impacts: readonly number[], latentOpen: readonly number[]): number {
  const key = `h|${depths.join(',')}|${impacts.join(',')}|${latentOpen.join('')}`;
  const known = task.memo.states.get(key) as { harm: number } | undefined;
  if (known) return known.harm;
  return remember(task, key, { harm: computeMetrics(task, depths, [...impacts], new Map(), [], 0, [...latentOpen]).harm }).harm;
}

/**
 * Harm below this share of requests is measured against it (a fault that had not reached users at
 * detection burns at the full rate once it hurts one request in twenty: the SLO's error threshold).
 */
const HARM_FLOOR = 0.05;
const NO_CHANGES: readonly FixAttempt[] = Object.freeze([]);

/** A failure goes on being logged every few minutes; a search shows the latest few occurrences. */
const RECUR_EVERY_MIN = 3;
const RECURRENCES_SHOWN = 4;

/**
 * The latest occurrences, up to `minute`, of the lines a service keeps writing: the failures its
 * callers' requests meet while its fault goes on (until its remedy is in), production's ordinary
 * errors always. Failures repeat on a root as on its callers; one-off events (a push that timed
 * out, a breaker that opened) do not.
 * Each carries the evidence id of the line it repeats with the minute it was written
 * (`ev-3c36-27`): citing it cites that evidence.
 */
function recurrences(task: Task, fixes: readonly FixAttempt[], service: string, fault: number | null, lines: readonly RecurringLine[], minute: number) {
  const phase = hash32(service) % RECUR_EVERY_MIN;
  const out: { at: number; second: number; id: string; level: string; msg: string }[] = [];
  // A search at minute M sees what was written before M:00 (an occurrence stamped M:ss is still to come).
  const last = minute - 1;
  for (let at = last - ((last - phase + RECUR_EVERY_MIN) % RECUR_EVERY_MIN); at >= 1 && out.length < RECURRENCES_SHOWN; at -= RECUR_EVERY_MIN) {
    // Requests stop failing once the remedy is in (the metrics take a few minutes more to recover);
    // a line of another fault's failure stops with that fault.
    const failing = (f: number | null) => {
      const stop = f === null ? undefined : stoppedAt(task, fixes, f);
      return f !== null && (stop === undefined || at < stop);
    };
    const now = lines.some((l) => l.fault !== undefined) ? lines.filter((l) => l.always || failing(l.fault ?? fault)) : failing(fault) ? lines : lines.filter((l) => l.always);
    if (!now.length) continue;
    const turn = Math.floor(at / RECUR_EVERY_MIN);
    const line = now[turn % now.length]!;
    // Each occurrence is written afresh: its numbers and ids differ from the last one's.
    const texts = line.variants?.length ? line.variants : [line.msg];
    // (The original is the line it repeats, so repeats cycle through its other wordings.)
    out.push({ at, second: hash32(`${line.id}|${at}`) % 60, id: `${line.id}-${at}`, level: line.level, msg: texts[Math.floor(turn / now.length) % texts.length]! });
  }
  return out;
}

/**
 * A service's log at `minute`: what it had written by detection, then what a masked fault made
 * it write once unmasked (timed from the minute it was unmasked), and the changes made to it
 * (logged when they took effect).
 */
export function logsAt(task: Task, fixes: readonly FixAttempt[], service: string, minute: number): string[] {
  const dyn = task.scenario.generated!.dynamics.services[service]!;
  // Most services write nothing after detection unless a change is made to them.
  if (!dyn.recurring && !dyn.late && !fixes.length) return task.serviceByName.get(service)!.logs;
  let searched = task.memo.logsByChanges.get(fixes);
  let byMinute = searched?.get(service);
  const known = byMinute?.get(minute);
  if (known) return known;
  const lines = searchLogs(task, fixes, service, minute);
  if (!searched) task.memo.logsByChanges.set(fixes, (searched = new Map()));
  if (!byMinute) searched.set(service, (byMinute = new Map()));
  byMinute.set(minute, lines);
  return lines;
}

function searchLogs(task: Task, fixes: readonly FixAttempt[], service: string, minute: number): string[] {
  const g = task.scenario.generated!;
  const written = task.serviceByName.get(service)!.logs;
  const late = g.dynamics.services[service]!.late;
  const shown: { at: number; second: number; id: string; level: string; msg: string }[] = [];
  for (const line of late ?? []) {
    // A remedy tried under the retry flood: the root logs the restart falling over again.
    const from = line.after === 'premature' ? prematureAttempts(task, fixes, line.fault)[0]?.minute : stoppedAt(task, fixes, g.faults[line.fault]!.masked_by!);
    if (from === undefined) continue;
    const at = from + line.offset;
    if (at <= minute && (line.after === 'premature' || faultImpact(task, fixes, line.fault, at) > 0)) shown.push({ at, second: line.second, id: line.id, level: line.level, msg: line.msg });
  }
  const dyn = g.dynamics.services[service]!;
  if (dyn.recurring && minute >= 2) shown.push(...recurrences(task, fixes, service, dyn.fault, dyn.recurring, minute));
  const suffix = `@${service}`;
  for (const f of fixes) {
    if (f.minute > minute || !f.fix.endsWith(suffix)) continue;
    const change = g.dynamics.changes[f.fix];
    // The same change made twice is logged once, when it was first made.
    if (!change || shown.some((x) => x.id === change.id)) continue;
    shown.push({ at: f.minute, second: parseInt(change.id.slice(3), 16) % 60, id: change.id, level: 'INFO', msg: change.msg });
  }
  if (!shown.length) return written;
  shown.sort((a, c) => a.at - c.at);
  const key = `logs|${service}|${shown.map((s) => `${s.id}@${s.at}`).join(',')}`;
  const cached = task.memo.views.get(key) as string[] | undefined;
  if (cached) return cached;
  const start = Date.parse(g.dynamics.detected_at);
  const stamp = (at: number, second: number) => new Date(start + at * 60_000 + second * 1000).toISOString().replace('.000Z', 'Z');
  const lines = [...written, ...shown.map((x) => `[${x.id}] ${stamp(x.at, x.second)} ${x.level.padEnd(5)} ${x.msg}`)];
  task.memo.views.set(key, lines);
  return lines;
}

export function wallClock(task: Task, minute: number): string {
  const key = `clock|${minute}`;
  const cached = task.memo.states.get(key) as string | undefined;
  if (cached) return cached;
  const start = Date.parse(task.scenario.generated!.dynamics.detected_at);
  return remember(task, key, new Date(start + minute * 60_000).toISOString().replace('.000Z', 'Z'));
}

/** Services with an alert firing when the incident was detected (before anything was done). */
export function firingAtDetection(task: Task): string[] {
  const cached = task.memo.views.get('firing@0') as string[] | undefined;
  if (cached) return cached;
  const alerts = stateAt(task, [], 0, new Set()).alerting.alerts.filter((a) => a.status !== 'RESOLVED');
  const services = [...new Set(alerts.map((a) => a.rule.service))].sort();
  task.memo.views.set('firing@0', services);
  return services;
}
