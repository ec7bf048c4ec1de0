/** The observation's `available_actions` list ("investigate:redis-cache", "no_op"), read back. */
import type { Observation } from './schemas.js';

/** Splits "investigate:redis-cache" into its kind and target. */
export function parseAvailable(entry: string): { kind: string; target: string } {
  const at = entry.indexOf(':');
  return at < 0 ? { kind: entry, target: '' } : { kind: entry.slice(0, at), target: entry.slice(at + 1) };
}

/** Every valid target of one action kind, in the observation's order. */
export const targetsOf = (obs: Pick<Observation, 'available_actions'>, kind: string) =>
  obs.available_actions.map(parseAvailable).filter((a) => a.kind === kind).map((a) => a.target);
