/** Small helpers shared by the fault families. */
import type { FamilyContext, FixConsequence, GeneratedFix, Level, LogLine, Node } from './types.js';
import { VOCABULARY } from './vocabulary.js';

export const line = (at: number, level: Level, msg: string): LogLine => ({ at, level, msg });

export function fix(id: string, description: string, effect: string, minutes = 6, consequence?: FixConsequence): GeneratedFix {
  return consequence ? { id, description, effect, minutes, consequence } : { id, description, effect, minutes };
}

export const product = (ctx: FamilyContext) => VOCABULARY[ctx.split].product;

/** An API path a caller might be hitting. */
export const path = (node: Node) => `/v1/${node.domain === node.tier ? 'status' : node.domain}`;

export const restart = (n: Node, effect: string, consequence?: FixConsequence) =>
  fix(`restart_${n.name}`, `Restart every ${n.name} instance`, effect, 5, consequence);
export const scaleUp = (n: Node, effect: string) => fix(`scale_up_${n.name}`, `Add replicas to ${n.name}`, effect, 6);
export const rollback = (n: Node, effect: string, consequence?: FixConsequence) =>
  fix(`rollback_${n.name}`, `Roll ${n.name} back to its previous release`, effect, 10, consequence);

/** A caller other than the root, used for plausible wrong fixes. */
export function loudCaller(ctx: FamilyContext): Node {
  const callers = ctx.topo.callers(ctx.root.name).filter((c) => c.tier !== 'edge');
  return callers.length ? ctx.rng.pick(callers) : ctx.topo.callers(ctx.root.name)[0] ?? ctx.root;
}

export const errorsFor = (service: string, rate: number, minutes: number, alert: string): FixConsequence => ({ service, error_rate: rate, minutes, alert });
