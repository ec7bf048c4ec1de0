/**
 * The rule agent: an evidence-following SRE. It starts at the deepest loud alert, reads each
 * investigated service's logs for failures that point at a dependency, follows them to the
 * service whose own logs show the failure, pages that service's owner, applies the remediation
 * its runbook knowledge matches to the evidence, and writes a postmortem that cites what it saw.
 * It reads only observations.
 */
import type { Action, Observation } from '../domain/index.js';
import { FAILURE_WORDS, FALLBACK_PHRASES, KIND_BY_NAME, KIND_BY_SYMPTOM, REMEDIES, SPECULATION } from './runbook.js';
import { targetsOf, type AgentSpec, type Policy } from './types.js';

interface Alert {
  severity: number;
  service: string;
  text: string;
}

const SEVERITY: Record<string, number> = { CRITICAL: 3, WARNING: 2, INFO: 0, RESOLVED: -1 };

export function parseAlerts(obs: Observation): Alert[] {
  const services = new Set(obs.services.map((s) => s.name));
  const out: Alert[] = [];
  for (const text of obs.alerts) {
    const close = text.indexOf(']');
    const colon = text.indexOf(':', close);
    if (!text.startsWith('[') || close < 0 || colon < 0) continue;
    const service = text.slice(close + 1, colon).trim();
    if (!services.has(service)) continue;
    out.push({ severity: SEVERITY[text.slice(1, close)] ?? 1, service, text });
  }
  return out;
}

/** The error-rate alert every symptomatic service raises, as opposed to a signal of its own kind. */
const isGenericSymptom = (a: Alert) => a.text.includes('(threshold');

/** Alerts a responder acts on: firing, not informational, not a known flapper. */
const actionable = (a: Alert) => a.severity >= 2 && !a.text.includes('(flapping)');

/** Strips the evidence id and timestamp from a log line: "LEVEL message". */
const body = (line: string) => line.replace(/^\[ev-[0-9a-f]{4}\] /, '').replace(/^\S+Z /, '');
const levelOf = (line: string) => body(line).split(' ', 1)[0] ?? '';
const isProblem = (line: string) => ['WARN', 'ERROR', 'FATAL'].includes(levelOf(line));
const evidenceId = (line: string) => (line.startsWith('[ev-') ? line.slice(1, 8) : null);

function kindOf(name: string): string | null {
  for (const [kind, words] of Object.entries(KIND_BY_NAME)) if (words.some((w) => name.includes(w))) return kind;
  return null;
}

/** Where a service name occurs as a whole word in a (lower-case) line. */
function mentions(line: string, name: string): number[] {
  const out: number[] = [];
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1)) {
    const before = line[at - 1];
    const after = line[at + name.length];
    if ((before === undefined || !/[a-z0-9-]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after))) out.push(at);
  }
  return out;
}

interface Memory {
  investigated: Set<string>;
  blamed: Map<string, number>;
  roots: string[];
  firstClock: string | null;
  plan: Action[];
  fixed: Map<string, string>;
  evidence: string[];
  mechanisms: string[];
  preventions: string[];
  detectedSeverity: Alert[];
  postmortemDone: boolean;
}

export function createRulePolicy(): Policy {
  const m: Memory = {
    investigated: new Set(),
    blamed: new Map(),
    roots: [],
    firstClock: null,
    plan: [],
    fixed: new Map(),
    evidence: [],
    mechanisms: [],
    preventions: [],
    detectedSeverity: [],
    postmortemDone: false,
  };

  const deps = (obs: Observation, name: string) => obs.services.find((s) => s.name === name)?.depends_on ?? [];
  const errorRate = (obs: Observation, name: string) => obs.metrics[name]?.error_rate ?? 0;
  const alerting = (obs: Observation) => parseAlerts(obs).filter(actionable);

  /** Services a line of `from`'s logs implicates, with a weight. */
  function implicated(obs: Observation, from: string, line: string): Map<string, number> {
    const found = new Map<string, number>();
    const text = body(line).toLowerCase();
    if (!isProblem(line)) return found;
    const failing = FAILURE_WORDS.some((w) => text.includes(w));
    const speculative = SPECULATION.some((w) => text.includes(w));
    const weight = (failing ? 1 : 0.5) * (speculative ? 0.5 : 1);
    const myDeps = deps(obs, from);
    for (const s of obs.services) {
      if (s.name === from) continue;
      for (const at of mentions(text, s.name)) {
        const prefix = text.slice(Math.max(0, at - 16), at);
        if (FALLBACK_PHRASES.some((p) => prefix.endsWith(`${p} `))) continue;
        found.set(s.name, (found.get(s.name) ?? 0) + weight);
      }
    }
    // A symptom that names no service still points at the dependency of the matching kind.
    for (const [kind, words] of Object.entries(KIND_BY_SYMPTOM)) {
      if (!words.some((w) => text.includes(w))) continue;
      for (const d of myDeps) if (kindOf(d) === kind && !found.has(d)) found.set(d, weight * 0.8);
    }
    return found;
  }

  /** Scores every service not yet investigated by how strongly the evidence so far points at it. */
  function suspects(obs: Observation): [string, number][] {
    const score = new Map<string, number>();
    for (const from of m.investigated) {
      for (const line of obs.logs[from] ?? []) {
        for (const [name, w] of implicated(obs, from, line)) {
          const anomalous = errorRate(obs, name) >= 0.05 || alerting(obs).some((a) => a.service === name);
          score.set(name, (score.get(name) ?? 0) + w * (anomalous ? 2 : 0.5) * (deps(obs, from).includes(name) ? 1.5 : 1));
        }
      }
    }
    return [...score].filter(([name]) => !m.investigated.has(name) && !m.roots.includes(name)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }

  /** Fails on its own: errors in its logs, a high error rate, or an alert backed by a failure in its logs. */
  function rootLike(obs: Observation, name: string): boolean {
    const lines = obs.logs[name] ?? [];
    if (lines.some((l) => ['ERROR', 'FATAL'].includes(levelOf(l))) || errorRate(obs, name) >= 0.05) return true;
    const alerted = parseAlerts(obs).some((a) => a.service === name && actionable(a));
    return alerted && lines.some((l) => isProblem(l) && FAILURE_WORDS.some((w) => body(l).toLowerCase().includes(w)));
  }

  /** Blames recorded by investigated services' logs, for every service they point at. */
  function recordBlame(obs: Observation) {
    m.blamed.clear();
    for (const from of m.investigated) {
      for (const line of obs.logs[from] ?? []) for (const [name, w] of implicated(obs, from, line)) m.blamed.set(name, (m.blamed.get(name) ?? 0) + w);
    }
  }

  /** Everything downstream of a found root (its callers, transitively) is explained by it. */
  function explained(obs: Observation, name: string): boolean {
    if (m.roots.includes(name)) return true;
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length) {
      const cur = stack.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      for (const d of deps(obs, cur)) {
        if (m.roots.includes(d)) return true;
        stack.push(d);
      }
    }
    // A service whose logs blame a found root (a queue behind a stuck consumer) is explained too.
    return (obs.logs[name] ?? []).some((l) => m.roots.some((r) => implicated(obs, name, l).has(r)));
  }

  /** Where to look first: the loudest alerts, and among them the deepest service. */
  function nextAlertTarget(obs: Observation): string | undefined {
    // A found root explains the generic error-rate alerts of its callers, not a distinct signal of their own.
    const alerts = alerting(obs).filter((a) => !m.investigated.has(a.service) && !(isGenericSymptom(a) && explained(obs, a.service)) && !m.roots.includes(a.service));
    if (!alerts.length) return undefined;
    const alertingNames = new Set(alerts.map((a) => a.service));
    const depth = (name: string) => obs.services.filter((s) => alertingNames.has(s.name) && s.depends_on.includes(name)).length;
    alerts.sort((a, b) => b.severity - a.severity || depth(b.service) - depth(a.service) || (a.service < b.service ? -1 : 1));
    return alerts[0]!.service;
  }

  function chooseFix(obs: Observation, root: string): string | null {
    const evidence = [...(obs.logs[root] ?? []).map((l) => body(l).toLowerCase()), ...parseAlerts(obs).filter((a) => a.service === root).map((a) => a.text.toLowerCase())].join('\n');
    const fixes = targetsOf(obs, 'apply_fix');
    const described = new Map(((obs.fixes as { id: string; description: string }[] | undefined) ?? []).map((f) => [f.id, f.description.toLowerCase()]));
    const others = obs.services.map((s) => s.name).filter((n) => n !== root);
    let best: { id: string; score: number } | null = null;
    for (const id of fixes) {
      const words = `${id.replace(/[_]/g, ' ')} ${described.get(id) ?? ''}`.toLowerCase();
      let score = 0;
      for (const rule of REMEDIES) {
        if (rule.signs.some((s) => evidence.includes(s)) && rule.verbs.every((v) => words.includes(v))) score += 2;
      }
      if (id.includes(root)) score += 0.5;
      if (others.some((o) => id.endsWith(`_${o}`))) score -= 3;
      if (score > 0 && (!best || score > best.score)) best = { id, score };
    }
    return best?.id ?? null;
  }

  function noteDiagnosis(obs: Observation, root: string) {
    const lines = obs.logs[root] ?? [];
    const evidence = lines.map((l) => body(l).toLowerCase()).join('\n');
    for (const rule of REMEDIES) {
      if (rule.signs.some((s) => evidence.includes(s)) && !m.mechanisms.includes(rule.mechanism)) {
        m.mechanisms.push(rule.mechanism);
        m.preventions.push(rule.prevention);
        break;
      }
    }
    for (const l of lines) if (isProblem(l) && evidenceId(l)) m.evidence.push(evidenceId(l)!);
  }

  function postmortem(obs: Observation): Action {
    const roots = m.roots;
    const quote = (name: string) => (obs.logs[name] ?? []).filter((l) => isProblem(l) || /deploy|config|flag|connection received|zone update|rollout|scheduled|started/.test(l)).map((l) => `"${body(l).replace(/"/g, "'")}"`);
    const clock = typeof obs.clock === 'string' ? obs.clock.slice(11, 16) : null;
    const rootTimes = roots.flatMap((r) => (obs.logs[r] ?? []).map((l) => /T(\d\d:\d\d)/.exec(l)?.[1]).filter((x): x is string => !!x));
    const start = rootTimes[0] ?? m.firstClock ?? '00:00';
    const end = clock ?? rootTimes.at(-1) ?? start;
    const affected = [...new Set(m.detectedSeverity.map((a) => a.service).filter((s) => !roots.includes(s)))];
    if (roots.length === 0) {
      return {
        action_type: 'postmortem',
        target: '',
        details: JSON.stringify({
          root_cause: 'No root cause: after checking every alerting service, no fault was found; the alerts were benign.',
          mechanism: `There was no fault. The alerts on ${[...m.investigated].join(', ')} came from expected activity, and their logs and metrics were healthy.`,
          impact: 'There was no user impact: error rates stayed at their normal level.',
          timeline: `The alerts were reviewed at ${start} and closed as a false alarm at ${end}.`,
          remediation: 'No action needed: nothing was changed, because nothing was broken.',
          prevention: 'We will tune the alert thresholds and add a runbook note so that this alert is recognised as benign.',
          evidence: [...m.investigated].flatMap((s) => (obs.logs[s] ?? []).slice(0, 1).map((l) => evidenceId(l)).filter((x): x is string => !!x)),
        }),
      };
    }
    const fixes = [...m.fixed.values()];
    return {
      action_type: 'postmortem',
      target: '',
      details: JSON.stringify({
        root_cause: roots.join(' and '),
        mechanism: `${m.mechanisms.join('. ') || 'The service failed on its own'}. The logs of ${roots.join(' and ')} show it: ${roots.flatMap(quote).slice(0, 6).join('; ')}.`,
        trigger: `The trigger can be read in the same logs: ${roots.flatMap(quote).slice(0, 4).join('; ')}.`,
        impact: `The failure spread to the services that depend on it: ${affected.join(', ') || 'its callers'} saw errors, timeouts and latency. ${obs.task_description.split('. ')[0]}.`,
        timeline: `The first sign was at ${start}; the incident was detected, investigated and paged, and the fix was in at ${end}.`,
        remediation: `We applied ${fixes.join(' and ') || 'no change yet'}, which removed the cause, and the metrics recovered.`,
        prevention: `To prevent a repeat we will ${m.preventions.join(', and ') || 'add alerting and a runbook'}.`,
        evidence: m.evidence.slice(0, 6),
      }),
    };
  }

  function act(obs: Observation): Action {
    if (m.detectedSeverity.length === 0) m.detectedSeverity = alerting(obs);
    if (m.firstClock === null && typeof obs.clock === 'string') m.firstClock = obs.clock.slice(11, 16);
    if (m.plan.length) return m.plan.shift()!;

    // 1. Follow the strongest open lead.
    const lead = suspects(obs).find(([, score]) => score >= 0.5);
    if (lead) return look(lead[0]);

    // 2. No open lead: a looked-at service that fails on its own, and blames nothing it depends on, is a root.
    const root = rootCandidates(obs)[0];
    if (root) {
      m.roots.push(root);
      noteDiagnosis(obs, root);
      const owner = obs.services.find((s) => s.name === root)?.owner;
      const fix = chooseFix(obs, root);
      if (owner) m.plan.push({ action_type: 'escalate', target: owner, details: `Root cause: ${root}.` });
      if (fix) {
        m.fixed.set(root, fix);
        m.plan.push({ action_type: 'apply_fix', target: fix });
      }
      if (m.plan.length) return m.plan.shift()!;
    }

    // 3. Anything still firing that no root explains.
    const target = nextAlertTarget(obs);
    if (target) return look(target);

    // 4. Nothing real is firing: rule out the benign alerts before closing.
    if (m.roots.length === 0) {
      const unchecked = parseAlerts(obs).find((a) => a.severity >= 0 && !m.investigated.has(a.service));
      if (unchecked) return look(unchecked.service);
    }
    if (!m.postmortemDone) {
      m.postmortemDone = true;
      return postmortem(obs);
    }
    return { action_type: 'no_op', target: '' };
  }

  function rootCandidates(obs: Observation): string[] {
    recordBlame(obs);
    return [...m.investigated]
      .filter((x) => !m.roots.includes(x) && rootLike(obs, x) && !explainedByOther(obs, x))
      // Blaming a failing dependency means the fault is further down; naming a caller (client=...) does not.
      .filter((x) => hasOwnSignal(obs, x) || !(obs.logs[x] ?? []).some((l) => [...implicated(obs, x, l).keys()].some((y) => deps(obs, x).includes(y) && m.investigated.has(y) && rootLike(obs, y) && !m.roots.includes(y))))
      .sort((a, b) => (m.blamed.get(b) ?? 0) - (m.blamed.get(a) ?? 0) || (a < b ? -1 : 1));
  }

  /**
   * A service downstream of a root we already found is not a new root, unless it raises an
   * alert of its own kind (not the generic error-rate symptom).
   */
  function explainedByOther(obs: Observation, name: string): boolean {
    if (m.roots.length === 0 || !explained(obs, name)) return false;
    if ((obs.logs[name] ?? []).some((l) => m.roots.some((r) => implicated(obs, name, l).has(r)))) return true;
    return !hasOwnSignal(obs, name);
  }

  const hasOwnSignal = (obs: Observation, name: string) => alerting(obs).some((a) => a.service === name && !isGenericSymptom(a));

  function look(service: string): Action {
    m.investigated.add(service);
    return { action_type: 'investigate', target: service };
  }

  return { act };
}

export const ruleAgent: AgentSpec = {
  name: 'rule',
  description: 'Evidence-following SRE: follows failures from the loudest alert to the root cause, pages its owner, applies the matching remedy',
  create: () => createRulePolicy(),
};
