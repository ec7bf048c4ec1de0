/**
 * Remediation kinds. A fix in a generated incident is a kind applied to a target service
 * (`rollback@billing-api`), offered on every service of a tier where the kind makes sense, so
 * the menu itself never points at the root. Descriptions are runbook text and state no fact
 * about any incident.
 */
import type { Tier } from './types.js';

export interface RemedyKindSpec {
  description: string;
  tiers: readonly Tier[];
  /** Minutes it takes to apply. */
  minutes: number;
  /**
   * Damage the kind does when it is not the remedy: added error rate for some minutes, on the
   * target itself or on its callers (a restarted database drops every caller's connections).
   */
  harm?: { on: 'self' | 'callers'; error_rate: number; minutes: number; label: string };
}

export const REMEDY_KINDS = {
  restart: {
    description: 'Restart the service (instances one at a time where there are several)',
    tiers: ['edge', 'api', 'worker', 'cache', 'db', 'queue', 'config', 'secrets', 'auth', 'dns'],
    minutes: 5,
  },
  rollback: {
    description: 'Roll the service back to its previous release',
    tiers: ['edge', 'api', 'worker', 'auth'],
    minutes: 10,
  },
  scale_out: {
    description: 'Add replicas to the service',
    tiers: ['edge', 'api', 'worker', 'auth'],
    minutes: 6,
  },
  reschedule: {
    description: 'Move the pods to other nodes, with a higher CPU limit',
    tiers: ['api', 'worker', 'auth'],
    minutes: 7,
  },
  raise_connection_limit: {
    description: 'Raise the connection limit and reload',
    tiers: ['db', 'edge'],
    minutes: 6,
  },
  terminate_query: {
    description: 'Terminate the longest-running queries',
    tiers: ['db'],
    minutes: 3,
  },
  create_index: {
    description: 'Recreate a dropped index (built concurrently, so the table stays writable)',
    tiers: ['db'],
    minutes: 8,
  },
  route_reads_to_primary: {
    description: 'Send reads to the primary until replicas catch up',
    tiers: ['db'],
    minutes: 4,
  },
  grow_volume: {
    description: 'Grow the data volume and purge retained logs',
    tiers: ['db', 'queue'],
    minutes: 8,
  },
  flush_cache: {
    description: 'Flush keys from the cache to free memory',
    tiers: ['cache'],
    minutes: 4,
    harm: { on: 'callers', error_rate: 0.08, minutes: 6, label: 'cold cache' },
  },
  dead_letter: {
    description: 'Move the message the consumer is stuck on to the dead-letter queue',
    tiers: ['worker'],
    minutes: 4,
  },
  purge_queue: {
    description: 'Delete every pending message in the queue',
    tiers: ['queue'],
    minutes: 4,
    harm: { on: 'self', error_rate: 0.25, minutes: 20, label: 'messages purged' },
  },
  revert_config: {
    description: 'Revert the most recent configuration change',
    tiers: ['edge', 'dns', 'config', 'secrets'],
    minutes: 5,
    harm: { on: 'callers', error_rate: 0.3, minutes: 10, label: 'config reverted' },
  },
  complete_rollout: {
    description: 'Re-push the current config or secret to every target',
    tiers: ['config', 'secrets'],
    minutes: 6,
  },
  renew_credentials: {
    description: 'Issue and load a new TLS certificate or API credential',
    tiers: ['edge', 'api', 'auth', 'thirdparty'],
    minutes: 6,
  },
  disable_flag: {
    description: 'Turn off the most recently enabled feature flag',
    tiers: ['api'],
    minutes: 3,
  },
  resync_clock: {
    description: 'Restart time sync and step the clock',
    tiers: ['api', 'auth'],
    minutes: 3,
  },
  failover: {
    description: 'Switch the connector to its secondary provider',
    tiers: ['thirdparty'],
    minutes: 5,
  },
  shed_load: {
    description: 'Shed part of the incoming traffic at the edge for 30 minutes (rejected requests get 429 and Retry-After)',
    tiers: ['edge'],
    minutes: 2,
    harm: { on: 'self', error_rate: 0.12, minutes: 30, label: 'requests shed' },
  },
} as const satisfies Record<string, RemedyKindSpec>;

export type RemedyKind = keyof typeof REMEDY_KINDS;
export const REMEDY_KIND_IDS = Object.keys(REMEDY_KINDS) as RemedyKind[];

/** Harm when restarting a stateful service that is not broken: every caller's connections drop. */
export const STATEFUL_RESTART_HARM = { on: 'callers', error_rate: 0.3, minutes: 5, label: 'connections dropped' } as const;

export function harmOf(kind: RemedyKind, tier: Tier): RemedyKindSpec['harm'] | undefined {
  if (kind === 'restart' && (tier === 'db' || tier === 'cache' || tier === 'queue')) return STATEFUL_RESTART_HARM;
  return (REMEDY_KINDS[kind] as RemedyKindSpec).harm;
}

/** `rollback@billing-api`: the fix id form of generated incidents. */
export const fixId = (r: { kind: string; target: string }) => `${r.kind}@${r.target}`;


export const kindsForTier = (tier: Tier): RemedyKind[] => REMEDY_KIND_IDS.filter((k) => (REMEDY_KINDS[k].tiers as readonly Tier[]).includes(tier));
