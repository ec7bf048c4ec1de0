/**
 * Simulated time for generated incidents: what the metrics and alerts look like at a given
 * minute, given which fixes were applied when. Symptoms spread while the fault is unfixed,
 * recover over a few minutes after the right fix, and wrong fixes leave their own damage.
 */
import type { Episode } from './episode.js';
import type { Task } from './scenario.js';

export interface Snapshot {
  metrics: Record<string, Record<string, number>>;
  alerts: string[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** How strongly fault `fault` shows at `minute`: 1 until fixed, then fading to 0. */
export function faultImpact(task: Task, ep: Episode, fault: number, minute: number): number {
  const g = task.scenario.generated!;
  const fixId = g.faults[fault]!.fix;
  const fixed = ep.fixes.find((f) => f.fix === fixId);
  if (!fixed || fixed.minute === undefined) return 1;
  const since = minute - fixed.minute;
  return since <= 0 ? 1 : Math.max(0, 1 - since / g.dynamics.recovery_min);
}

/** How many calls away from the root the symptoms have reached by `minute`. */
export const spreadDepth = (task: Task, minute: number) => {
  const d = task.scenario.generated!.dynamics;
  return d.initial_depth + Math.floor(Math.max(0, minute) / d.spread_every_min);
};

const blend = (base: Record<string, number>, target: Record<string, number>, k: number) => {
  if (k <= 0) return base;
  const out = { ...base };
  for (const [key, value] of Object.entries(target)) {
    const from = base[key] ?? 0;
    out[key] = Number.isInteger(from) && Number.isInteger(value) ? Math.round(from + (value - from) * k) : round3(from + (value - from) * k);
  }
  return out;
};

/** Error rate added by wrong fixes whose damage is still in effect at `minute`. */
function consequencesAt(task: Task, ep: Episode, minute: number): { service: string; error_rate: number; alert: string }[] {
  const d = task.scenario.generated!.dynamics;
  const out = [];
  for (const f of ep.fixes) {
    const c = d.consequences[f.fix];
    if (c && f.minute !== undefined && minute >= f.minute && minute < f.minute + c.minutes) out.push(c);
  }
  return out;
}

export function snapshot(task: Task, ep: Episode, minute: number, detailFor: ReadonlySet<string>): Snapshot {
  const g = task.scenario.generated!;
  const d = g.dynamics;
  const depth = spreadDepth(task, minute);
  const impacts = g.faults.map((_, i) => faultImpact(task, ep, i, minute));
  const damage = consequencesAt(task, ep, minute);

  const metrics: Record<string, Record<string, number>> = {};
  const symptomatic: { service: string; error_rate: number; hop: number }[] = [];
  for (const [name, spec] of task.serviceByName) {
    const dyn = d.services[name]!;
    const reached = dyn.fault !== null && dyn.hop !== null && dyn.hop <= depth;
    const k = reached ? impacts[dyn.fault!]! : 0;
    let overview = blend(spec.overview, dyn.impacted, k);
    for (const c of damage) if (c.service === name) overview = { ...overview, error_rate: round3(Math.min(1, (overview.error_rate ?? 0) + c.error_rate)) };
    metrics[name] = detailFor.has(name) ? { ...overview, ...blend(spec.detail, dyn.detail_impacted, k) } : overview;
    if (reached && dyn.hop! > 0 && k > 0) symptomatic.push({ service: name, error_rate: overview.error_rate ?? 0, hop: dyn.hop! });
  }

  const alerts: string[] = [];
  g.faults.forEach((_, i) => {
    const a = d.root_alerts[i]!;
    alerts.push(impacts[i]! > 0.3 ? `[${a.severity}] ${a.text}` : `[RESOLVED] ${a.text}`);
    for (const s of d.symptom_alerts.filter((x) => x.fault === i)) alerts.push(impacts[i]! > 0.3 ? `[${s.severity}] ${s.text}` : `[RESOLVED] ${s.text}`);
  });
  for (const s of symptomatic) {
    if (s.error_rate < 0.05) continue;
    const pct = Math.round(s.error_rate * 1000) / 10;
    const edge = task.serviceByName.get(s.service)!.depends_on.length > 2 && s.hop > 1;
    const severity = s.error_rate >= 0.2 || edge ? 'CRITICAL' : 'WARNING';
    alerts.push(`[${severity}] ${s.service}: error rate ${pct}% (threshold 2%)`);
  }
  g.faults.forEach((_, i) => {
    if (impacts[i]! <= 0.3 && task.scenario.generated!.faults[i]!.affected.length) alerts.push(`[RESOLVED] ${task.scenario.generated!.faults[i]!.affected.length} dependent services back within SLO`);
  });
  for (const c of damage) alerts.push(c.alert);
  alerts.push(...d.static_alerts);
  const rank = (a: string) => (a.startsWith('[CRITICAL]') ? 0 : a.startsWith('[WARNING]') ? 1 : a.startsWith('[INFO]') ? 2 : 3);
  alerts.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return { metrics, alerts };
}

/** Error budget burned over `minutes` starting at `from` (percent points), while faults are unfixed. */
export function budgetBurn(task: Task, ep: Episode, from: number, minutes: number): number {
  const g = task.scenario.generated!;
  if (g.faults.length === 0) return 0;
  let burned = 0;
  for (let m = from; m < from + minutes; m++) {
    const worst = Math.max(...g.faults.map((_, i) => faultImpact(task, ep, i, m)));
    burned += g.dynamics.burn_per_min * worst;
  }
  return Math.round(burned * 100) / 100;
}

export function wallClock(task: Task, minute: number): string {
  const start = Date.parse(task.scenario.generated!.dynamics.detected_at);
  return new Date(start + minute * 60_000).toISOString().replace('.000Z', 'Z');
}
