/**
 * Shortcut agents: each tries one way to score without reading evidence. They exist to prove
 * the benchmark cannot be gamed; `npm run validity` holds each to a low ceiling.
 */
import type { Action, Observation, State } from '../domain/index.js';
import { FAMILIES } from '../domain/index.js';
import { parseAlerts } from './rule.js';
import { parseAvailable, targetsOf, type AgentSpec, type Policy } from './types.js';

const ownerOf = (obs: Observation, service: string) => obs.services.find((s) => s.name === service)?.owner;

/** A fix on `service`: the first kind the menu offers on it (sorted, so arbitrary but fixed). */
function fixOn(obs: Observation, service: string): string | undefined {
  return targetsOf(obs, 'apply_fix').find((f) => f.endsWith(`@${service}`)) ?? targetsOf(obs, 'apply_fix').find((f) => f.includes(service));
}

/** A confident, well-formed postmortem that names `root` without any evidence behind it. */
function confidentReport(obs: Observation, root: string, fix: string | undefined, mechanism = 'the service failed under load and its callers saw errors and timeouts'): Action {
  return {
    action_type: 'postmortem',
    target: '',
    details: JSON.stringify({
      root_cause: root,
      mechanism: `The root cause was ${root}: ${mechanism}.`,
      trigger: 'The trigger was a change shortly before the alerts fired.',
      impact: `The incident affected ${parseAlerts(obs).map((a) => a.service).filter((s, i, a) => a.indexOf(s) === i).slice(0, 3).join(', ')} with errors for users.`,
      timeline: `Detected at ${String(obs.clock ?? '').slice(11, 16) || '09:00'}; mitigated by ${String(obs.clock ?? '').slice(11, 16) || '09:30'}.`,
      remediation: `We applied ${fix ?? 'a restart'} and the errors stopped.`,
      prevention: 'We will add alerting, a runbook and a canary so that this is caught early.',
    }),
  };
}

/** Plays a fixed plan: look at a suspect, page its owner, change it, report it. */
function planned(build: (obs: Observation) => Action[]): Policy {
  let plan: Action[] | null = null;
  return {
    act(obs) {
      plan ??= build(obs);
      return plan.shift() ?? { action_type: 'no_op', target: '' };
    },
  };
}

function blame(obs: Observation, root: string, details = `Root cause: ${root}.`): Action[] {
  const fix = fixOn(obs, root);
  const owner = ownerOf(obs, root);
  return [
    { action_type: 'investigate', target: root },
    ...(owner ? [{ action_type: 'escalate', target: owner, details } as Action] : []),
    ...(fix ? [{ action_type: 'apply_fix', target: fix, details } as Action] : []),
    confidentReport(obs, root, fix),
  ];
}

/** Blames the service of the most severe alert (the first one listed). */
export const loudestAlertAgent: AgentSpec = {
  name: 'loudest-alert',
  description: 'Blames the service with the most severe alert, pages its owner, changes it, reports it',
  create: () => planned((obs) => blame(obs, parseAlerts(obs).find((a) => a.severity >= 2)?.service ?? obs.services[0]!.name)),
};

/** Blames the service that most fix ids are about. */
export const fixMenuAgent: AgentSpec = {
  name: 'fix-menu',
  description: 'Blames the service the fix menu names most often, without reading a log',
  create: () =>
    planned((obs) => {
      const counts = new Map<string, number>();
      for (const f of targetsOf(obs, 'apply_fix')) {
        const at = f.indexOf('@');
        const target = at >= 0 ? f.slice(at + 1) : (obs.services.find((s) => f.includes(s.name.replace(/-/g, '_')) || f.includes(s.name))?.name ?? '');
        if (target) counts.set(target, (counts.get(target) ?? 0) + 1);
      }
      const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? obs.services[0]!.name;
      return blame(obs, top);
    }),
};

/** Investigates the alerting services, then blames the one whose investigation paid the most. */
export const rewardProberAgent: AgentSpec = {
  name: 'reward-prober',
  description: 'Investigates every alerting service and blames the one whose investigation paid the most reward',
  create() {
    let queue: string[] | null = null;
    const paid = new Map<string, number>();
    let last: string | null = null;
    let lastReward = 0;
    let plan: Action[] | null = null;
    return {
      act(obs) {
        if (last !== null) paid.set(last, lastReward);
        last = null;
        queue ??= [...new Set(parseAlerts(obs).filter((a) => a.severity >= 1).map((a) => a.service))];
        const next = queue.shift();
        if (next && obs.step < obs.max_steps - 4) {
          last = next;
          return { action_type: 'investigate', target: next };
        }
        plan ??= (() => {
          const best = [...paid].sort((a, b) => b[1] - a[1])[0]?.[0] ?? obs.services[0]!.name;
          return blame(obs, best).slice(1);
        })();
        return plan.shift() ?? { action_type: 'no_op', target: '' };
      },
      reward(value: number) {
        lastReward = value;
      },
    };
  },
};

/** Every mechanism phrase any grader could look for, in prose-like sentences. */
export const STUFFED_MECHANISMS = FAMILIES.map((f) => f.claim.map((g) => g[0]).join(' ')).join(', and the ');

/** Names the loudest service and stuffs every mechanism phrase into every text it writes. */
export const keywordStufferAgent: AgentSpec = {
  name: 'keyword-stuffer',
  description: 'Blames the loudest service and lists every failure mechanism in every text it writes',
  create: () =>
    planned((obs) => {
      const root = parseAlerts(obs).find((a) => a.severity >= 2)?.service ?? obs.services[0]!.name;
      const text = `The root cause was ${root}, where the ${STUFFED_MECHANISMS} happened at the same time as the incident.`;
      const steps = blame(obs, root, text);
      const pm = steps.pop()!;
      const report = JSON.parse(pm.details!) as Record<string, string>;
      report.mechanism = text;
      return [...steps, { ...pm, details: JSON.stringify(report) }];
    }),
};

/** Reads mid-episode state after each probe and blames whatever made the score or rubric move. */
export const stateProberAgent: AgentSpec = {
  name: 'state-prober',
  description: 'Investigates each alerting service and pages each team, reading /state after every step for a hint',
  create(ctx) {
    const peek = ctx.peekState ?? (() => null);
    let probes: Action[] | null = null;
    let before: string | null = null;
    let moved: string | null = null;
    let plan: Action[] | null = null;
    let lastTarget: string | null = null;
    const fingerprint = (s: State | null) => (s ? JSON.stringify([s.score, s.grader_state, s.rubric.map((r) => [r.earned, r.why])]) : '');
    return {
      act(obs) {
        const now = fingerprint(peek());
        if (before !== null && now !== before && moved === null && lastTarget) moved = lastTarget;
        before = now;
        probes ??= [...new Set(parseAlerts(obs).map((a) => a.service))].map((s): Action => ({ action_type: 'investigate', target: s }));
        const next = probes.shift();
        if (next && moved === null && obs.step < obs.max_steps - 4) {
          lastTarget = next.target;
          return next;
        }
        plan ??= blame(obs, moved ?? parseAvailable(obs.available_actions[0]!).target).slice(1);
        return plan.shift() ?? { action_type: 'no_op', target: '' };
      },
    };
  },
};
