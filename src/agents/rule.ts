/**
 * The rule agent: an evidence-following SRE. It looks at the firing alerts, reads each
 * investigated service's logs and metrics, follows failures that name a dependency, and stops
 * at the service that fails on its own. It pages that service's owner, applies the remediation
 * its runbook knowledge matches to the evidence, and writes a postmortem citing what it saw.
 * It reads only observations, and knows no task, service or answer.
 */
import type { Action, Observation } from '../domain/index.js';
import { ANOMALIES, CLIENT_CLASSES, FAILURE_WORDS, KIND_WORDS, NOT_A_SUSPECT, REMEDIES, TIER_BY_NAME, TIER_BY_PORT, WAITING_ON_OTHERS, type RemedyRule } from './runbook.js';
import type { AgentSpec, Policy } from './types.js';

export interface Alert {
  severity: number;
  service: string;
  text: string;
}

const SEVERITY: Record<string, number> = { CRITICAL: 3, WARNING: 2, INFO: 1, RESOLVED: -1 };

export function parseAlerts(obs: Observation): Alert[] {
  const services = new Set(obs.services.map((s) => s.name));
  const out: Alert[] = [];
  for (const text of obs.alerts) {
    const close = text.indexOf(']');
    const colon = text.indexOf(':', close);
    if (!text.startsWith('[') || close < 0 || colon < 0) continue;
    const service = text.slice(close + 1, colon).trim();
    if (services.has(service)) out.push({ severity: SEVERITY[text.slice(1, close)] ?? 1, service, text });
  }
  return out;
}

/** "LEVEL message" without the evidence id and timestamp. */
const body = (line: string) => line.replace(/^\[ev-[0-9a-f]{4}(?:-\d+)?\] /, '').replace(/^\S+Z /, '');
const levelOf = (line: string) => body(line).split(' ', 1)[0] ?? '';
const isProblem = (line: string) => ['WARN', 'ERROR', 'FATAL'].includes(levelOf(line));
const evidenceId = (line: string) => (line.startsWith('[ev-') ? line.slice(1, 8) : null);
const timeOf = (line: string) => /T(\d\d:\d\d)/.exec(line)?.[1] ?? null;

/** A service's kind guessed from the words of its name ("ledger-memcached" is a cache). */
export function tierOf(name: string): string {
  const words = name.split(/[^a-z0-9]+/);
  for (const [tier, marks] of Object.entries(TIER_BY_NAME)) if (marks.some((w) => words.includes(w))) return tier;
  return name.endsWith('-worker') || name.endsWith('-consumer') ? 'worker' : 'api';
}

/** Where a service name occurs as a whole word (or as a host, `name.internal`) in a lower-case line. */
function mentions(line: string, name: string): number[] {
  const out: number[] = [];
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1)) {
    const before = line[at - 1];
    const after = line[at + name.length];
    if ((before === undefined || !/[a-z0-9-]/.test(before)) && (after === undefined || !/[a-z0-9-]/.test(after))) out.push(at);
  }
  return out;
}

interface Finding {
  /** The service the finding puts the fault on. */
  root: string;
  rule: RemedyRule;
  lines: string[];
}

interface Memory {
  investigated: string[];
  /** Generated incidents: services whose detailed metrics this responder has open. */
  dashboards: Set<string>;
  findings: Finding[];
  handled: Set<string>;
  ruleOf: Map<string, RemedyRule>;
  plan: Action[];
  applied: string[];
  detection: Alert[];
  firstClock: string | null;
  postmortemDone: boolean;
  /** Elapsed minutes when the last change was in, and the roots fixed then (to verify recovery). */
  fixedAt: number | null;
  fixedRoots: string[];
  /** Roots whose fix went in long ago while the SLO alerts kept firing: something else is wrong. */
  distrusted: Set<string>;
  lastAction: Action | null;
}

/** Minutes a change gets to show its effect before the responder doubts it. */
const SETTLE_MINUTES = 8;

const ruleById = (id: string) => REMEDIES.find((r) => r.id === id)!;

/** What an anomalous detail metric says when the logs are silent (sampled). */
function ruleFromMetrics(metrics: Record<string, number>, tier: string): RemedyRule | null {
  const over = (m: string) => ANOMALIES.some((a) => a.metric === m && metrics[m] !== undefined && (a.above ? metrics[m]! > a.bound : metrics[m]! < a.bound));
  if (over('db_pool_wait_ms')) return ruleById('connection-leak');
  if (over('connections_used_pct') && tier === 'db' && !metrics.idle_in_transaction) return ruleById('db-connections');
  // A cache full to the brim, whatever its product calls the gauge (any `*_used_pct` at 99% or more).
  const full = Object.entries(metrics).some(([k, v]) => k.endsWith('_used_pct') && k !== 'disk_used_pct' && v >= 99);
  if ((over('memory_used_pct') || full) && tier === 'cache') return ruleById('cache-memory');
  if (over('disk_used_pct')) return ruleById('disk');
  if (over('replication_lag_s')) return ruleById('replica-lag');
  if (over('longest_query_s') && (metrics.rows_scanned_per_s ?? 0) > 1_000_000) return ruleById('dropped-index');
  if (over('longest_query_s') || over('lock_waits')) return ruleById('runaway-query');
  if (over('cpu_throttled_pct')) return ruleById('cpu-throttling');
  if (over('tcp_retransmits_pct') || over('conntrack_used_pct')) return ruleById('node-network');
  if (over('clock_offset_s')) return ruleById('clock');
  if (over('last_rollout_failed')) return ruleById('partial-rollout');
  if (over('jobs_per_min') && tier === 'worker') return ruleById('poison-message');
  if (over('upstream_2xx_ratio')) return ruleById((metrics.upstream_401_per_min ?? 0) > 0 ? 'api-credential' : 'provider-outage');
  if (over('requests_429_per_min')) return ruleById('rate-limit');
  if (over('nxdomain_per_min')) return ruleById('dns');
  // Running at the autoscaler's maximum (its status never wants more than that; its events say so).
  if ((metrics.hpa_max_replicas ?? 99) <= (metrics.pods_ready ?? 0)) return ruleById('autoscaler');
  if (over('restarts_last_hour')) return ruleById('memory-leak');
  // A certificate whose remaining lifetime is negative has expired.
  if ((metrics.cert_seconds_remaining ?? 1) < 0) return ruleById('cert');
  // A breaker of the service's own held open (a connector's `circuit_open` is its provider's outage).
  if (tier === 'api' && Object.entries(metrics).some(([k, v]) => k.endsWith('s_open') && v > 0)) return ruleById('breaker-open');
  return null;
}

const svc = (obs: Observation, name: string) => obs.services.find((s) => s.name === name);
const deps = (obs: Observation, name: string) => svc(obs, name)?.depends_on ?? [];

/** Services a problem line names as suspects (not as a client or a fallback, unless `clients`). */
function suspectsIn(obs: Observation, from: string, text: string, clients = false): string[] {
  const out: string[] = [];
  for (const s of obs.services) {
    if (s.name === from) continue;
    const hits = mentions(text, s.name).filter((at) => clients || !NOT_A_SUSPECT.some((p) => text.slice(Math.max(0, at - p.length - 1), at).includes(p)));
    if (hits.length) out.push(s.name);
  }
  const more = [...addressed(obs, from, text), ...classNamed(obs, from, text)];
  return [...out, ...more.filter((s, i) => !out.includes(s) && more.indexOf(s) === i)];
}

/** The dependency a stack trace's client class stands for: `at LedgerRepository.find` is the ledger database. */
function classNamed(obs: Observation, from: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bat ([a-z]+?)(repository|cacheclient|authclient|gateway|client)[.( ]/g)) {
    const tier = CLIENT_CLASSES[m[2]!]!;
    for (const d of deps(obs, from)) if (tierOf(d) === tier && d.split('-')[0] === m[1] && !out.includes(d)) out.push(d);
  }
  return out;
}

/**
 * Services a line reaches by address: the port says what kind of service it is, the line's
 * dependencies which one (a path or a vendor host narrows several down).
 */
function addressed(obs: Observation, from: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:\d{1,3}\.){3}\d{1,3}:(\d{2,5})|api\.([a-z0-9]+)\.com:443/g)) {
    if (m[2]) {
      for (const s of obs.services) if (s.name.split('-')[0] === m[2] && s.name !== from) out.add(s.name);
      continue;
    }
    const tiers = TIER_BY_PORT[m[1]!] ?? [];
    const candidates = deps(obs, from).filter((d) => tiers.includes(tierOf(d)));
    const narrowed = candidates.filter((c) => c.split('-').some((w) => w.length > 3 && text.includes(`/${w}`)));
    for (const c of narrowed.length ? narrowed : candidates) out.add(c);
  }
  return [...out];
}

/** Applications that use a data store: where a store's trouble with a client leads. */
const clientsOf = (obs: Observation, store: string) => obs.services.filter((s) => s.depends_on.includes(store) && ['api', 'worker', 'auth'].includes(tierOf(s.name))).map((s) => s.name);

/** Reads one investigated service: faults it shows on its own or points at, and its leads (`applied`: the changes made so far). */
function read(obs: Observation, name: string, applied: readonly string[]): { findings: Finding[]; leads: string[] } {
  const findings: Finding[] = [];
  const leads: string[] = [];
  const tier = tierOf(name);
  for (const line of obs.logs[name] ?? []) {
    if (!isProblem(line)) continue;
    const text = body(line).toLowerCase();
    const suspects = suspectsIn(obs, name, text);
    const failing = FAILURE_WORDS.some((w) => text.includes(w));
    // Threads stuck on calls out are a symptom of a dependency, whichever it is.
    if (suspects.length === 0 && WAITING_ON_OTHERS.some((w) => text.includes(w))) continue;
    for (const rule of REMEDIES) {
      if (!rule.signs.some((s) => text.includes(s))) continue;
      if (rule.where === 'self' || rule.where === 'named') {
        if (rule.tiers && !rule.tiers.includes(tier) && rule.where === 'self') {
          // A store's failure reported by its client points at the client's store of that kind.
          const store = deps(obs, name).find((d) => rule.tiers!.includes(tierOf(d)));
          if (!store) continue;
          leads.push(store, store);
          break;
        }
        if (rule.where === 'named' && (tier === 'db' || tier === 'cache')) {
          // The store names its client (or only the client's user): the fault is in that application.
          const named = suspectsIn(obs, name, text, true);
          if (named.length) for (const s of named) findings.push({ root: s, rule, lines: [line] });
          else leads.push(...clientsOf(obs, name), ...clientsOf(obs, name));
        } else if (suspects.length === 0) findings.push({ root: name, rule, lines: [line] });
        else continue;
      } else {
        const wanted = rule.where === 'keys' ? ['config', 'secrets'] : [rule.where];
        const platform = [...deps(obs, name), ...obs.services.map((s) => s.name)].find((d) => wanted.includes(tierOf(d)));
        if (platform) findings.push({ root: platform, rule, lines: [line] });
      }
      break;
    }
    // A failure naming a service is a strong lead; a warning naming one is a weak lead.
    leads.push(...suspects);
    if (failing) leads.push(...suspects);
  }
  if (!findings.some((f) => f.root === name)) {
    const rule = ruleFromMetrics(obs.metrics[name] ?? {}, tier);
    // The 429s of load this responder shed itself are not a rate-limit fault.
    const ownShedding = rule?.id === 'rate-limit' && applied.includes(`shed_load@${name}`);
    if (rule && !ownShedding && (rule.where === 'self' || (rule.where === 'named' && !['db', 'cache'].includes(tier)))) findings.push({ root: name, rule, lines: [] });
  }
  return { findings, leads };
}

/** `kind@target` when the menu has it; otherwise a named fix whose words say the same (seed tasks). */
function chooseFix(obs: Observation, kind: string, target: string): string | null {
  const fixes = obs.available_actions.filter((a) => a.startsWith('apply_fix:')).map((a) => a.slice('apply_fix:'.length));
  if (fixes.includes(`${kind}@${target}`)) return `${kind}@${target}`;
  const words = KIND_WORDS[kind] ?? [kind];
  return fixes.find((f) => words.every((w) => f.includes(w))) ?? null;
}


/** A root whose own logs show restarts failing while retried traffic pours in. */
function flooded(obs: Observation, name: string): boolean {
  const lines = (obs.logs[name] ?? []).map((l) => body(l).toLowerCase());
  return lines.some((l) => /restart/.test(l) && /\bfail/.test(l)) && lines.some((l) => /\bretr(y|ied|ies)\b/.test(l));
}

/** The shed-load change on an edge that (transitively) calls `name`, when the menu has one. */
function shedAbove(obs: Observation, name: string): string | null {
  const above = new Set<string>();
  const queue = [name];
  while (queue.length) {
    const cur = queue.shift()!;
    for (const s of obs.services) {
      if (!s.depends_on.includes(cur) || above.has(s.name)) continue;
      above.add(s.name);
      queue.push(s.name);
    }
  }
  const fixes = obs.available_actions.filter((a) => a.startsWith('apply_fix:shed_load@')).map((a) => a.slice('apply_fix:'.length));
  return fixes.filter((f) => above.has(f.slice('shed_load@'.length))).sort()[0] ?? null;
}

const generated = (obs: Observation) => typeof obs.elapsed_minutes === 'number';
/** Erroring, or with an alert of its own firing. */
const failingNow = (obs: Observation, name: string) => (obs.metrics[name]?.error_rate ?? 0) >= 0.05 || parseAlerts(obs).some((a) => a.service === name && a.severity >= 1);

/** A service whose trouble a found root explains (it calls the root, or the root calls it). */
function explained(m: Memory, obs: Observation, name: string): boolean {
  const roots = m.findings.filter((f) => m.handled.has(f.root) && !m.distrusted.has(f.root)).map((f) => f.root);
  if (roots.includes(name)) return true;
  if (roots.some((r) => deps(obs, r).includes(name))) return true;
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length) {
    const cur = stack.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const d of deps(obs, cur)) {
      if (roots.includes(d)) return true;
      stack.push(d);
    }
  }
  return (obs.logs[name] ?? []).some((l) => roots.some((r) => mentions(body(l).toLowerCase(), r).length > 0));
}

/** Investigated, failing or complaining, unexplained, and its logs name neither a cause nor a suspect. */
const says = (m: Memory, obs: Observation, n: string) => (({ findings, leads }) => findings.length > 0 || leads.length > 0)(read(obs, n, m.applied));

/**
 * When an investigated failing service names no dependency, the fault is below the deepest failing
 * services (those none of whose dependencies fail): their most shared, most erroring dependency.
 */
function frontierCandidate(m: Memory, obs: Observation): string | null {
  const slo = new Set(parseAlerts(obs).filter((a) => a.severity >= 2 && /error rate|latency/.test(a.text)).map((a) => a.service));
  const silent = m.investigated.some((n) => slo.has(n) && !explained(m, obs, n) && !says(m, obs, n));
  if (!silent) return null;
  const frontier = [...slo].filter((n) => !explained(m, obs, n) && !deps(obs, n).some((d) => slo.has(d)));
  const errors = (n: string) => obs.metrics[n]?.error_rate ?? 0;
  return mostShared(m, obs, frontier, (a, b) => errors(b) - errors(a));
}

/** The uninvestigated dependency most of the given services share (ties: `tie`, then by name). */
function mostShared(m: Memory, obs: Observation, services: string[], tie: (a: string, b: string) => number = () => 0): string | null {
  const shared = new Map<string, number>();
  for (const f of services) for (const d of deps(obs, f)) if (!m.investigated.includes(d)) shared.set(d, (shared.get(d) ?? 0) + 1);
  return [...shared].sort((a, b) => b[1] - a[1] || tie(a[0], b[0]) || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
}

/**
 * On generated incidents a service is first searched for its logs (they name what it fails on);
 * a leaf, where a fault can only be its own, is looked at fully. Seed tasks show everything at once.
 */
function look(m: Memory, obs: Observation, service: string): Action {
  m.investigated.push(service);
  if (!generated(obs) || deps(obs, service).length === 0) {
    m.dashboards.add(service);
    return { action_type: 'investigate', target: service };
  }
  return { action_type: 'investigate', target: service, view: 'logs' };
}

/** Opens a service's detailed metrics: to confirm a root before acting on it, or to read a silent failure. */
function dashboard(m: Memory, service: string): Action {
  m.dashboards.add(service);
  return { action_type: 'investigate', target: service, view: 'metrics' };
}

/** Notes what the last step did and what the first observation showed. */
function remember(m: Memory, obs: Observation): void {
  if (m.lastAction?.action_type === 'apply_fix' && typeof obs.elapsed_minutes === 'number') {
    m.fixedAt = obs.elapsed_minutes;
    m.fixedRoots = [...m.handled];
  }
  if (!m.detection.length) m.detection = parseAlerts(obs).filter((a) => a.severity >= 2);
  if (m.firstClock === null && typeof obs.clock === 'string') m.firstClock = obs.clock.slice(11, 16);
}

/** Reads everything seen so far: the findings, and how often each service is blamed. */
function readAll(m: Memory, obs: Observation): Map<string, number> {
  const findings: Finding[] = [];
  const leadScore = new Map<string, number>();
  for (const name of m.investigated) {
    const r = read(obs, name, m.applied);
    findings.push(...r.findings);
    for (const l of r.leads) leadScore.set(l, (leadScore.get(l) ?? 0) + 1);
  }
  m.findings = findings;
  return leadScore;
}

/**
 * A finding on a service looked at in full, that blames no failing dependency of its own, is a
 * root: plan the page and the remedy (load shed first when retries flood it).
 */
function actOnRoots(m: Memory, obs: Observation): Action | null {
  for (const f of m.findings) {
    if (m.handled.has(f.root)) continue;
    if (!m.investigated.includes(f.root)) return look(m, obs, f.root);
    if (generated(obs) && !m.dashboards.has(f.root)) return dashboard(m, f.root);
    const own = m.findings.filter((x) => x.root === f.root);
    // An exception right after a flag flip is the flag's code path, not the release.
    const flagged = (obs.logs[f.root] ?? []).some((l) => /\bflag\b/i.test(body(l)));
    const rule = own[0]!.rule.id === 'bad-deploy' && flagged ? ruleById('feature-flag') : own[0]!.rule;
    m.handled.add(f.root);
    m.ruleOf.set(f.root, rule);
    const owner = svc(obs, f.root)?.owner;
    const fix = chooseFix(obs, rule.kind, f.root);
    const why = `Root cause: ${f.root}. ${rule.mechanism}.`;
    if (owner) m.plan.push({ action_type: 'escalate', target: owner, details: why });
    if (fix) {
      // Restarts already failing under retried traffic: shed load at the edge first, or the fix falls over too.
      const shed = flooded(obs, f.root) ? shedAbove(obs, f.root) : null;
      if (shed && !m.applied.includes(shed)) {
        m.applied.push(shed);
        m.plan.push({ action_type: 'apply_fix', target: shed, details: `Shedding load so ${f.root} can come back: its restarts fail under client retries.` });
      }
      m.applied.push(fix);
      m.plan.push({ action_type: 'apply_fix', target: fix, details: why });
    }
    if (m.plan.length) return m.plan.shift()!;
  }
  return null;
}

/** Business throughput against last week, on a dashboard that shows it. */
function weekShare(obs: Observation, name: string): number | undefined {
  const metrics = obs.metrics[name] ?? {};
  const k = Object.keys(metrics).find((x) => x.endsWith('_vs_last_week_pct'));
  return k === undefined ? undefined : metrics[k];
}

/** Throughput well below last week's on an open dashboard: transactions are being lost at or below it. */
const THROUGHPUT_FELL = 80;

/**
 * A gray failure: throughput fell where nothing errors. Compare the dashboards of the APIs below
 * each service where it fell; the deepest one where it fell is where transactions are lost.
 */
function followThroughput(m: Memory, obs: Observation): Action | null {
  const paging = parseAlerts(obs).filter((a) => a.severity >= 2 && /_vs_last_week_pct=/.test(a.text)).map((a) => a.service);
  const fell = [...new Set([...paging, ...m.dashboards])].filter((n) => (paging.includes(n) || (weekShare(obs, n) ?? 100) < THROUGHPUT_FELL) && !explained(m, obs, n)).sort();
  for (const n of fell) {
    const next = deps(obs, n).find((d) => tierOf(d) === 'api' && !m.dashboards.has(d));
    if (next) return dashboard(m, next);
  }
  return null;
}

/** Where to look next while no root explains the trouble: leads, silent failures, shared dependencies, alerts. */
function nextLook(m: Memory, obs: Observation, leadScore: Map<string, number>): Action | null {
  // A dashboard that shows a failure of the service's own: read its logs before acting on it.
  const anomalous = [...m.dashboards].find((n) => !m.investigated.includes(n) && ruleFromMetrics(obs.metrics[n] ?? {}, tierOf(n)) !== null);
  if (anomalous) return look(m, obs, anomalous);
  // Follow the strongest lead that no root explains yet.
  const lead = [...leadScore].filter(([name]) => !m.investigated.includes(name) && !explained(m, obs, name)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (lead) return look(m, obs, lead[0]);
  const room = obs.step < obs.max_steps - 2;

  // A failing service whose logs blame nothing: its own metrics may show the fault.
  const silent = m.investigated.find((n) => !m.dashboards.has(n) && (failingNow(obs, n) || (obs.logs[n] ?? []).some(isProblem)) && !explained(m, obs, n) && !says(m, obs, n));
  if (silent && room) return dashboard(m, silent);

  // A failing service that says nothing about whom it waits on: check the dependencies the deepest failing services share.
  const candidate = frontierCandidate(m, obs);
  if (candidate && room) return look(m, obs, candidate);

  const lower = room ? followThroughput(m, obs) : null;
  if (lower) return lower;

  // Then the firing alerts no root explains: most severe first, deepest first.
  const alerts = parseAlerts(obs).filter((a) => a.severity >= 1 && !m.investigated.includes(a.service) && !explained(m, obs, a.service));
  const firing = new Set(alerts.map((a) => a.service));
  const callersAlerting = (name: string) => obs.services.filter((s) => firing.has(s.name) && s.depends_on.includes(name)).length;
  alerts.sort((a, b) => b.severity - a.severity || callersAlerting(b.service) - callersAlerting(a.service) || (a.service < b.service ? -1 : 1));
  if (alerts.length && room) return look(m, obs, alerts[0]!.service);

  // Failing services but no cause in sight: look at the dependency most of them share.
  const common = mostShared(m, obs, m.investigated.filter((n) => (obs.metrics[n]?.error_rate ?? 0) >= 0.05 && !explained(m, obs, n)));
  if (common && room) return look(m, obs, common);
  return null;
}

/**
 * Before closing, confirm the change worked: SLO alerts still firing after it had time to settle
 * mean something else is wrong. Answers a fresh search of the fixed root while it settles,
 * 'doubt' once the fixed roots are no longer trusted, or null when recovery holds.
 */
function verifyRecovery(m: Memory, obs: Observation): Action | 'doubt' | null {
  if (m.fixedAt === null || typeof obs.elapsed_minutes !== 'number' || obs.step >= obs.max_steps - 3) return null;
  const slo = parseAlerts(obs).filter((a) => a.severity >= 2 && /error rate|latency/.test(a.text));
  if (!slo.length) return null;
  const last = m.fixedRoots[m.fixedRoots.length - 1]!;
  // A fresh search of the fixed root shows what it logged since the change.
  if (obs.elapsed_minutes - m.fixedAt < SETTLE_MINUTES) return { action_type: 'investigate', target: last, ...(m.dashboards.has(last) ? { view: 'logs' as const } : {}) };
  const doubted = m.fixedRoots.filter((r) => !m.distrusted.has(r));
  if (!doubted.length) return null;
  for (const r of doubted) m.distrusted.add(r);
  return 'doubt';
}

function decide(m: Memory, obs: Observation): Action {
  remember(m, obs);
  if (m.plan.length) return m.plan.shift()!;
  const leadScore = readAll(m, obs);
  const next = actOnRoots(m, obs) ?? nextLook(m, obs, leadScore);
  if (next) return next;
  const verified = verifyRecovery(m, obs);
  if (verified === 'doubt') return decide(m, obs);
  if (verified) return verified;
  if (!m.postmortemDone) {
    m.postmortemDone = true;
    return postmortem(m, obs);
  }
  return { action_type: 'no_op', target: '' };
}

/** The postmortem, from what this responder read: the roots' own lines, the change that started it, what it did. */
function postmortem(m: Memory, obs: Observation): Action {
  const roots = [...m.handled];
  const clock = typeof obs.clock === 'string' ? obs.clock.slice(11, 16) : null;
  const start = roots.flatMap((r) => (obs.logs[r] ?? []).map(timeOf).filter((x): x is string => !!x))[0] ?? m.firstClock ?? '00:00';
  const end = clock ?? start;
  const metricIds = (name: string) => (obs.metric_evidence as Record<string, string> | undefined)?.[name];
  if (roots.length === 0) {
    return {
      action_type: 'postmortem',
      target: '',
      details: JSON.stringify({
        root_cause: 'No root cause: after checking every alerting service, no fault was found; the alerts were benign.',
        mechanism: `There was no fault. The alerts on ${m.investigated.join(', ')} came from expected activity, and their logs and metrics were healthy.`,
        impact: 'There was no user impact: error rates stayed at their normal level.',
        timeline: `The alerts were reviewed at ${m.firstClock ?? start} and closed as a false alarm at ${end}.`,
        remediation: 'No action needed: nothing was changed, because nothing was broken.',
        prevention: 'We will tune the alert thresholds and add a runbook note so that this alert is recognised as benign.',
        evidence: m.investigated.map(metricIds).filter((x): x is string => !!x),
      }),
    };
  }
  const rules = [...new Set(roots.map((r) => m.ruleOf.get(r)!))];
  const quote = (l: string) => `"${body(l).replace(/"/g, "'")}"`;
  const quotes = roots.flatMap((r) => (obs.logs[r] ?? []).filter((l) => isProblem(l)).slice(0, 2).map(quote));
  const changes = roots.flatMap((r) => (obs.logs[r] ?? []).filter((l) => /deploy|release|config|revision|changed|applied|rotat|migration|scheduled|policy|flag|started/i.test(body(l))).slice(0, 2).map(quote));
  const affected = [...new Set(m.detection.map((a) => a.service).filter((s) => !roots.includes(s)))];
  const cited = [...roots.flatMap((r) => (obs.logs[r] ?? []).filter(isProblem).map(evidenceId)), ...roots.map(metricIds)].filter((x): x is string => !!x);
  return {
    action_type: 'postmortem',
    target: '',
    details: JSON.stringify({
      root_cause: roots.join(' and '),
      mechanism: `${rules.map((r) => r.mechanism).join('. ')}. The logs of ${roots.join(' and ')} show it: ${quotes.slice(0, 3).join('; ')}.`,
      trigger: changes.length ? `The change that started it: ${changes.join('; ')}.` : `The first sign in the logs was ${quotes[0] ?? 'an error'}.`,
      impact: `The failure spread to the services that depend on it: ${affected.join(', ') || 'its callers'} saw errors, timeouts and latency.`,
      timeline: `The first sign was at ${start}; the incident was detected, investigated and paged, and the fix was in at ${end}.`,
      remediation: `We applied ${m.applied.join(' and ') || 'no change'}, which removed the cause, and the metrics recovered.`,
      prevention: `To prevent a repeat we will ${rules.map((r) => r.prevention).join(', and ')}.`,
      evidence: cited.slice(0, 8),
    }),
  };
}

/** The rule agent: its memory, and one decision per observation (stages above, in the order they are tried). */
export function createRulePolicy(): Policy {
  const m: Memory = { investigated: [], dashboards: new Set(), findings: [], handled: new Set(), ruleOf: new Map(), plan: [], applied: [], detection: [], firstClock: null, postmortemDone: false, fixedAt: null, fixedRoots: [], distrusted: new Set(), lastAction: null };
  return {
    act(obs: Observation): Action {
      const action = decide(m, obs);
      m.lastAction = action;
      return action;
    },
  };
}

export const ruleAgent: AgentSpec = {
  name: 'rule',
  description: 'Evidence-following SRE: follows failures from the alerts to the service that fails on its own, pages its owner, applies the matching remedy',
  create: () => createRulePolicy(),
};
