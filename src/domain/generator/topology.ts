/** Draws a service topology: tiers, names, owners and an acyclic dependency graph. */
import type { Rng } from './rng.js';
import type { Node, Split, Tier, Topology } from './types.js';
import { EXTRA_TEAMS, VOCABULARY } from './vocabulary.js';

export function makeTopology(nodes: Node[], split: Split): Topology {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const callersOf = new Map<string, Node[]>();
  for (const n of nodes) for (const d of n.depends_on) callersOf.set(d, [...(callersOf.get(d) ?? []), n]);
  const teams = [...new Set([...nodes.map((n) => n.owner), ...EXTRA_TEAMS[split]])].sort();
  return { nodes, byName, callers: (name) => callersOf.get(name) ?? [], teams };
}

/** Builds `size` services including every tier in `required`. */
export function drawTopology(rng: Rng, split: Split, size: number, required: readonly Tier[], publicApis = 0.6): Topology {
  const vocab = VOCABULARY[split];
  const domains = rng.shuffle(vocab.domains);
  const nodes: Node[] = [];
  const used = new Set<string>();
  let thirdIndex = 0;
  let domainIndex = 0;

  const add = (tier: Tier, domain: string): Node | null => {
    const name = vocab.name(tier, domain, thirdIndex);
    if (used.has(name)) return null;
    if (tier === 'thirdparty') thirdIndex++;
    used.add(name);
    const replicas = tier === 'auth' ? 3 : tier === 'api' ? rng.int(2, 6) : rng.int(1, 3);
    const node: Node = { name, tier, owner: vocab.team(tier, domain), depends_on: [], domain, replicas };
    nodes.push(node);
    return node;
  };
  const nextDomain = () => domains[domainIndex++ % domains.length]!;
  const apis = () => nodes.filter((n) => n.tier === 'api');
  const has = (tier: Tier) => nodes.some((n) => n.tier === tier);

  add('edge', 'edge');
  add('api', nextDomain());
  add('api', nextDomain());
  for (const tier of required) {
    if (has(tier) && tier !== 'api') continue;
    if (tier === 'api' || tier === 'worker') add(tier, apis()[0]!.domain);
    else if (tier === 'db' || tier === 'cache') add(tier, apis()[0]!.domain);
    else add(tier, tier);
  }
  if (required.includes('worker') && !has('queue')) add('queue', 'queue');

  // Fill up with a realistic mix until the size is reached.
  const fillers: Tier[] = ['api', 'db', 'api', 'cache', 'auth', 'worker', 'thirdparty', 'api', 'dns', 'config', 'queue', 'secrets', 'db', 'cache'];
  let guard = 0;
  while (nodes.length < size && guard++ < 500) {
    const tier = fillers[(nodes.length + guard) % fillers.length]!;
    if (tier === 'api') add('api', nextDomain());
    else if (tier === 'db' || tier === 'cache') {
      // In a deep graph the internal APIs (drawn last) keep most of the data.
      const owner = (publicApis >= 0.5 ? apis() : [...apis()].reverse()).find((a) => !used.has(vocab.name(tier, a.domain, 0)));
      if (owner) add(tier, owner.domain);
    } else if (tier === 'worker') {
      const owner = apis().find((a) => !used.has(vocab.name('worker', a.domain, 0)));
      if (owner) {
        add('worker', owner.domain);
        if (!has('queue') && nodes.length < size) add('queue', 'queue');
      }
    } else if (tier === 'thirdparty') {
      if (nodes.filter((n) => n.tier === 'thirdparty').length < 3) add('thirdparty', 'thirdparty');
    } else add(tier, tier);
  }

  wire(rng, nodes, publicApis);
  return makeTopology(nodes, split);
}

/**
 * Dependencies: edge -> public APIs -> internal APIs -> data stores and shared infrastructure;
 * never a cycle (an API calls only APIs drawn after it). `publicApis` is the share the edge calls.
 */
function wire(rng: Rng, nodes: Node[], publicApis: number): void {
  const of = (tier: Tier) => nodes.filter((n) => n.tier === tier);
  const find = (tier: Tier, domain: string) => nodes.find((n) => n.tier === tier && n.domain === domain);
  const link = (from: Node, to: Node | undefined) => {
    if (to && to !== from && !from.depends_on.includes(to.name)) from.depends_on.push(to.name);
  };
  // In a deep graph the APIs that own a database come last: internal ones, behind the public ones.
  const ownsDb = (api: Node) => (find('db', api.domain) ? 1 : 0);
  const apis = publicApis >= 0.5 ? of('api') : [...of('api')].sort((a, b) => ownsDb(a) - ownsDb(b));
  const [edge] = of('edge');
  const queue = of('queue')[0];
  const dns = of('dns')[0];
  const config = of('config')[0];
  const secrets = of('secrets')[0];
  const auth = of('auth')[0];

  apis.forEach((api, i) => {
    if (i === 0 || i < Math.ceil(apis.length * publicApis) || rng.chance(publicApis / 2)) link(edge!, api);
    link(api, find('db', api.domain));
    link(api, find('cache', api.domain));
    if (auth && rng.chance(0.6)) link(api, auth);
    const later = apis.slice(i + 1);
    for (const other of rng.sample(later, rng.int(0, Math.min(2, later.length)))) link(api, other);
    if (queue && rng.chance(0.4)) link(api, queue);
    if (dns && rng.chance(0.5)) link(api, dns);
    if (config && rng.chance(0.3)) link(api, config);
  });
  for (const worker of of('worker')) {
    link(worker, queue);
    link(worker, find('db', worker.domain) ?? of('db')[0]);
    if (dns && rng.chance(0.4)) link(worker, dns);
  }
  if (auth) {
    link(auth, config);
    link(auth, secrets);
    // The identity service keeps its users in a database of its own kind.
    link(auth, of('db')[0]);
    if (edge && !edge.depends_on.includes(auth.name)) link(edge, auth);
  }
  for (const tp of of('thirdparty')) link(rng.pick(apis), tp);
  if (queue && !nodes.some((n) => n.depends_on.includes(queue.name))) link(rng.pick(apis), queue);

  // Anything still uncalled gets a caller, so every service sits on some user's path.
  for (const n of nodes) {
    // Workers consume from queues; nobody calls them.
    if (n.tier === 'edge' || n.tier === 'worker' || nodes.some((m) => m.depends_on.includes(n.name))) continue;
    // An uncalled API is public where most are; in a deep graph an API drawn before it calls it.
    if (n.tier === 'api') link(publicApis >= 0.5 ? edge! : rng.pick(apis.slice(0, Math.max(1, apis.indexOf(n)))), n);
    else if (n.tier === 'config' || n.tier === 'secrets') link(auth ?? rng.pick(apis), n);
    else link(rng.pick(apis), n);
  }
  for (const n of nodes) n.depends_on.sort();
}
