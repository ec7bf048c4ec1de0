/**
 * The difficulty ladder. Each step up changes what a reasoning agent has to do, not only how
 * many services there are; `test/domain/ladder.test.ts` and `npm run validity` measure these
 * properties over held-out seeds and publish them.
 */
import type { Difficulty } from '../scenario.js';

export interface Knobs {
  size: [number, number];
  /** Call hops the symptoms have reached at detection. */
  depth: number;
  /** Preferred calls between the root and the nearest user-facing service (the loud alerts). */
  rootDepth: number;
  /**
   * Share of the APIs the edge calls; the rest are internal, called only by other APIs. Fewer
   * public APIs make the call graph deeper, so a root can sit two calls below the users.
   */
  publicApis: number;
  /** Routine log lines per service. */
  noise: number;
  /** The root's own signal alert fires (easy); from medium on it has none. */
  rootAlert: boolean;
  /**
   * The root's own SLO metrics stay under their thresholds (a partial failure its callers
   * amplify), so it fires no alert at all; the edge and third-party connectors are the exception:
   * their errors are their callers'.
   */
  quietRoot: boolean;
  /** Callers' errors grow up the call graph (retries, fan-out) instead of fading, so no gradient points at the root; the edge fails only its upstreams' share. */
  amplify: boolean;
  /** Background noise: a few healthy services show slightly raised errors and latency. */
  backgroundNoise: number;
  /** A healthy neighbour shows real anomalies from the load the fault shifted onto it. */
  collateral: boolean;
  /** A direct caller of the root shows a failure signature of its own (threads stuck on the root): a victim that looks like a root. */
  victimSignature: boolean;
  /** Share of healthy services whose logs carry ordinary, harmless errors (expired sessions, declined cards). */
  benignErrors: number;
  /**
   * Callers report the address they failed to reach (`10.4.3.17:5432`), as clients do, not the
   * service's name: the port and the caller's dependencies tell which service it is.
   */
  addresses: boolean;
  /** An unrelated recent deploy on a healthy service. */
  deployHerring: boolean;
  /** A recent deploy on a service the fault reaches, minutes before onset: a misleading change on a victim. */
  victimChange: boolean;
  /** A caller's log line that makes a healthy dependency look slow. */
  blameHerring: boolean;
  /** A real but harmless alert (disk near its threshold) on a healthy service. */
  flappingAlert: boolean;
  /** A loud scheduled job on a healthy service. */
  benignJob: boolean;
  /** The root's logs are sampled: some of its telling lines are missing, so its metrics or its callers must confirm. */
  sampledRootLogs: boolean;
  maxSteps: number;
  /** Error budget burned per minute at full impact (percent). */
  burn: number;
  /**
   * Real time pressure: the budget lasts this many times the reference responder's minutes (the
   * burn rate is set from it), and running it out before every fault is stopped breaches the SLO.
   */
  budgetLasts: number | null;
  /** Symptoms spread one more hop up the call graph every this many minutes. */
  spreadEvery: number;
  /** Chance of a no-fault control episode, and of two simultaneous faults. */
  control: number;
  double: number;
  /**
   * Chance of a masked second fault: a load-dependent fault below the first root that shows only
   * once the first is fixed and traffic returns (verify recovery before closing).
   */
  masked: number;
  /**
   * Chance that a fault's callers log only their own failing requests (status, path, duration),
   * as services with thin error logging do: no line names the dependency that failed, so the
   * alerting services' shared dependencies must be checked one by one.
   */
  opaque: number;
  /**
   * Chance that a fault's callers retry without backoff and flood its root (an API or auth
   * service whose remedy replaces its instances): the orchestrator's restarts have already failed
   * under the retried load, and the remedy holds only once load is shed at the edge first.
   */
  flooded: number;
  /**
   * Chance that the incident is a gray failure: a root answering from a fallback (HTTP 200) after
   * its circuit breaker stuck open. No service logs an error; business throughput falls on every
   * API above it, and only comparing the APIs' dashboards down the call graph finds it.
   */
  silent: number;
}

export const KNOBS: Record<Difficulty, Knobs> = {
  easy: { publicApis: 0.6, addresses: false, victimSignature: false, benignErrors: 0, budgetLasts: null, amplify: false, backgroundNoise: 0, collateral: false, quietRoot: false, rootDepth: 0, size: [6, 9], depth: 1, noise: 3, rootAlert: true, deployHerring: false, victimChange: false, blameHerring: false, flappingAlert: false, benignJob: false, sampledRootLogs: false, maxSteps: 14, burn: 0.5, spreadEvery: 20, control: 0, double: 0, masked: 0, opaque: 0, flooded: 0, silent: 0 },
  medium: { publicApis: 0.5, addresses: false, victimSignature: false, benignErrors: 0.2, budgetLasts: null, amplify: true, backgroundNoise: 1, collateral: false, quietRoot: false, rootDepth: 1, size: [9, 13], depth: 2, noise: 4, rootAlert: false, deployHerring: true, victimChange: false, blameHerring: false, flappingAlert: false, benignJob: true, sampledRootLogs: false, maxSteps: 16, burn: 0.8, spreadEvery: 15, control: 0, double: 0, masked: 0, opaque: 0, flooded: 0, silent: 0 },
  hard: { publicApis: 0.35, addresses: true, victimSignature: false, benignErrors: 0.35, budgetLasts: null, amplify: true, backgroundNoise: 3, collateral: true, quietRoot: true, rootDepth: 2, size: [12, 16], depth: 3, noise: 5, rootAlert: false, deployHerring: true, victimChange: true, blameHerring: true, flappingAlert: false, benignJob: true, sampledRootLogs: true, maxSteps: 20, burn: 1.1, spreadEvery: 12, control: 0, double: 0, masked: 0, opaque: 0, flooded: 0, silent: 0.2 },
  expert: { publicApis: 0.35, addresses: true, victimSignature: true, benignErrors: 0.5, budgetLasts: 1.1, amplify: true, backgroundNoise: 4, collateral: true, quietRoot: true, rootDepth: 2, size: [14, 17], depth: 3, noise: 5, rootAlert: false, deployHerring: true, victimChange: true, blameHerring: true, flappingAlert: true, benignJob: true, sampledRootLogs: true, maxSteps: 24, burn: 1.6, spreadEvery: 10, control: 0.15, double: 0.75, masked: 0.3, opaque: 0.5, flooded: 0.6, silent: 0.35 },
};

/**
 * What each difficulty's incidents contain, in words (published in /tasks and the README): their
 * properties, not how to find them (docs/incidents.md, for the people who run the benchmark).
 */
export const LADDER: Record<Difficulty, string> = {
  easy: 'The root alerts on its own signal; its symptoms reach one hop; its own logs show the mechanism; no red herrings.',
  medium: "The root has no alert on its own signal (monitoring covers SLOs, business throughput on user-facing APIs, CPU, disk and consumer lag, on every service alike) and in four incidents of five it is not user-facing (the edge and the APIs it calls) but below; callers' errors grow up the call graph (retries, fan-out) while the edge, which forwards each request once, fails just its failing upstreams' share of its traffic; an unrelated recent deploy, a loud scheduled job and harmless errors on healthy services.",
  hard: "The root's own error rate and latency look like background noise (an edge or third-party root excepted), so it alerts only where uniform CPU, disk or queue monitoring catches it; the call graph is deeper (most APIs are internal, behind a few public ones), so the root is almost never user-facing and in about a third of incidents sits two or more calls below the users; callers name the address they failed to reach (`10.4.3.17:5432`), not the service; the root's logs are sampled (of its warnings and errors at most one survives; INFO lines stay); a service the fault reaches deployed minutes before onset; a caller blames a healthy dependency; a healthy store carries shifted load. About 20% are gray failures: a root that answers from a fallback with HTTP 200, so no service logs an error and what falls is business throughput.",
  expert: "Hard (about 35% gray failures), plus: about 15% no-fault controls; of the others, four in five carry a second fault: about a fifth a masked one (a load-dependent fault that shows nothing at detection but the change that caused it), the rest two independent faults; for about half the faults, callers with thin error logging (their own failing requests only, never which dependency failed them); roots flooded by their callers' retries; a victim whose own logs look like a root's; harmless errors on half the healthy services; a harmless alert on a healthy service; faster spread; and an error budget that lasts about 1.1 times the reference responder's time (at the harm users feel at detection): a responder must be about as quick as a methodical one.",
};
