/** Small helpers shared by the fault families. */
import type { RemedyKind } from './kinds.js';
import type { Family, FamilyContext, Level, LogLine, Node, RemedyRef, Split } from './types.js';
import { VOCABULARY } from './vocabulary.js';

export const line = (at: number, level: Level, msg: string): LogLine => ({ at, level, msg });
/** A telling line: by itself it shows the mechanism (sampled telemetry may drop it). */
export const key = (at: number, level: Level, msg: string): LogLine => ({ at, level, msg, key: true });

export const remedy = (kind: RemedyKind, target: Node): RemedyRef => ({ kind, target: target.name });

export const product = (ctx: FamilyContext) => VOCABULARY[ctx.split].product;

/** The same event in each split's wording. */
export const say = (split: Split, train: string, test: string) => (split === 'train' ? train : test);

/** A caller other than the edge, used for plausible wrong fixes. */
export function loudCaller(ctx: FamilyContext): Node {
  const callers = ctx.topo.callers(ctx.root.name).filter((c) => c.tier !== 'edge');
  return callers.length ? ctx.rng.pick(callers) : ctx.topo.callers(ctx.root.name)[0] ?? ctx.root;
}

/** The first dependency of `node` of a tier. */
export const dependencyOf = (ctx: FamilyContext, node: Node, tier: string) => ctx.topo.nodes.find((n) => n.tier === tier && node.depends_on.includes(n.name));

export const ip = (ctx: FamilyContext) => `10.${ctx.rng.int(1, 9)}.${ctx.rng.int(0, 9)}.${ctx.rng.int(10, 250)}`;

/** The fields every fault shares: its family, its signature, and the root with its owner. */
export const faultOf = (family: Family, ctx: FamilyContext) => ({ family: family.id, variant: ctx.variant, root: ctx.root.name, team: ctx.root.owner });

/**
 * A failure the root keeps writing while its fault goes on (a request's exception, a refused
 * write), unlike a one-off event (a push that timed out, a breaker that opened). `make` is called
 * three times (occurrence 0 is the one at detection, 1 and 2 its repeats): each occurrence is
 * written afresh where its numbers differ (wordings that match the original are dropped where the
 * repeats are assembled).
 */
export function ongoing(make: (occurrence: number) => LogLine): LogLine {
  const first = make(0);
  return { ...first, recurs: 'with_fault', variants: [make(1).msg, make(2).msg] };
}
