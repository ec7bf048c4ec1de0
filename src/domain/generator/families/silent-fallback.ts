import { faultOf, key, line, remedy, say } from '../kit.js';
import type { Family, FamilyContext, FaultBuild, LogLine, Node } from '../types.js';
import { deployLine } from '../voice.js';

/** What the dependency logged during its brief blip: it recovered at once and is healthy now. */
function blipLine(ctx: FamilyContext, dep: Node): LogLine {
  const { rng, split } = ctx;
  const s = rng.int(6, 19);
  switch (dep.tier) {
    case 'db':
      return line(-1, 'WARN', say(split, `primary failover: replica promoted in ${s}s; accepting writes`, `failover complete: new writer elected after ${s}s`));
    case 'cache':
      return line(-1, 'WARN', say(split, `failover: replica promoted to master in ${s}s (no keys lost)`, `node replaced; cluster slots moved in ${s}s, items rebalanced (none lost)`));
    case 'thirdparty':
      return line(-1, 'WARN', say(split, `provider latency p99 ${s}.${rng.int(0, 9)}s for ${rng.int(30, 90)}s; recovered`, `upstream slow for ${rng.int(30, 90)}s (p99 ${s}.${rng.int(0, 9)}s), back to normal`));
    default:
      return line(-1, 'WARN', say(split, `GC pause ${s}.${rng.int(0, 9)}s (stop-the-world, full collection)`, `paused ${s}.${rng.int(0, 9)}s in a stop-the-world collection`));
  }
}

/** The breaker guards calls for data, not lookups of names, settings or secrets. */
const GUARDED = ['api', 'db', 'cache', 'thirdparty', 'auth', 'queue'] as const;
type Guarded = (typeof GUARDED)[number];

/** What a release's broken half-open probe asks of each kind of dependency, and how the dependency logs it (test-split wording). */
const PROBES: Record<Guarded, { asks: string; fails: string; seen(root: Node): string }> = {
  api: { asks: 'GET /healthz/deep', fails: '404 Not Found', seen: (root) => `method=GET path=/healthz/deep status=404 duration_ms=0 user_agent=${root.name}-breaker` },
  auth: { asks: 'GET /healthz/deep', fails: '404 Not Found', seen: (root) => `method=GET path=/healthz/deep status=404 duration_ms=0 user_agent=${root.name}-breaker` },
  thirdparty: { asks: 'GET /v2/health', fails: '404 Not Found', seen: (root) => `upstream answered 404 for GET /v2/health (caller ${root.name}); endpoint retired in API v3` },
  db: { asks: 'SELECT 1 FROM breaker_probe', fails: "Error 1146: table doesn't exist", seen: (root) => `Error 1146 (42S02): Table 'app.breaker_probe' doesn't exist (user '${root.domain}_app'@'${root.name}')` },
  queue: { asks: "passive declare of queue 'breaker.probe'", fails: 'NOT_FOUND', seen: (root) => `queue.declare of 'breaker.probe' refused: NOT_FOUND, the queue does not exist in vhost '/' (connection from ${root.name})` },
  cache: { asks: 'get breaker_probe', fails: 'miss (no such key)', seen: (root) => `<${root.replicas * 7 + 20} get breaker_probe -> END (no such key; client ${root.name})` },
};

/**
 * A gray failure: the root's circuit breaker on one dependency opened during a brief blip of that
 * dependency and never closed again, so the root answers from its fallback (an empty or default
 * body, HTTP 200) instead of failing. Nobody logs an error and callers see success; what shows is
 * business throughput falling on every API above it, and, on the root's own dashboard, fallback
 * answers where there are normally none.
 */
export const silentFallback: Family = {
  id: 'silent_fallback',
  title: 'Circuit breaker stuck open (silent fallback)',
  rootTiers: ['api'],
  hosts: (topo, n) => n.depends_on.some((d) => (GUARDED as readonly string[]).includes(topo.byName.get(d)!.tier)),
  variants: [{ id: 'stuck_open' }, { id: 'probe_path', splits: ['test'] }],
  claim: [['circuit breaker', 'breaker', 'circuit'], ['stuck open', 'stayed open', 'remained open', 'never closed', 'fallback', 'half-open', 'half open']],
  build(ctx): FaultBuild {
    const { root, rng, split, topo } = ctx;
    const stuck = ctx.variant === 'stuck_open';
    const guarded = (n: Node): n is Node & { tier: Guarded } => (GUARDED as readonly string[]).includes(n.tier);
    const dep = rng.pick(root.depends_on.map((d) => topo.byName.get(d)!).filter(guarded));
    // A probe that asks for something the dependency does not have shows on the dependency too.
    const probe = PROBES[dep.tier];
    const version = `v${rng.int(2, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
    const failures = rng.int(52, 90);
    const calls = rng.pick([20, 50, 100]);
    const opened = say(split, `CircuitBreaker '${dep.name}' changed state from CLOSED to OPEN (failure rate ${failures}% > threshold 50% over ${calls} calls)`, `breaker ${dep.name}: state closed->open (failures=${Math.round((failures * calls) / 100)}/${calls})`);
    const trial = stuck
      ? say(split, `CircuitBreaker '${dep.name}' changed state from HALF_OPEN to OPEN (trial call failed: Connection reset by peer)`, `breaker ${dep.name}: half-open probe failed: read: connection reset by peer; state half-open->open`)
      : `breaker ${dep.name}: half-open probe ${probe.asks} -> ${probe.fails}; state half-open->open`;
    // The release that changed the breaker's probe says it changed health checks.
    const release = deployLine(rng, root, split, version, 'health checks');
    const logs: LogLine[] = [
      ...(stuck ? [] : [line(-rng.int(40, 160), release.level, release.msg)]),
      // Each trial line tells the whole transition (half-open, failed, open again): sampling that drops
      // one never leaves a breaker going half-open twice with nothing between.
      key(0, 'WARN', opened),
      key(2, 'WARN', trial),
      key(4, 'WARN', trial),
    ];
    // At least half: every API above it reads under the paging floor (60% of last week).
    const shortfall = rng.int(50, 80) / 100;
    return {
      ...faultOf(this, ctx),
      // A restart starts every breaker closed (and the pooled connections fresh); a release whose
      // probe can never pass is rolled back, and a restart only holds until the next blip.
      remedy: remedy(stuck ? 'restart' : 'rollback', root),
      ...(stuck ? {} : { mitigations: [remedy('restart', root)] }),
      decoys: [remedy('restart', dep), remedy(stuck ? 'rollback' : 'scale_out', root), remedy('scale_out', root)],
      // Fallback answers are fast: the root's latency falls (set with its traffic), its error rate does not move.
      rootOverview: {},
      rootDetail: { breakers_open: 1 },
      after: {},
      rootLogs: logs,
      // The dependency answered each trial probe (a request or query for what it does not have); sampling never drops its lines.
      aside: [{ service: dep.name, lines: [blipLine(ctx, dep), ...(stuck ? [] : [line(2, 'WARN', probe.seen(root)), line(4, 'WARN', probe.seen(root))])] }],
      rootAlert: { metric: 'fallback_responses_per_min', op: '>', threshold: 100, severity: 'WARNING', label: 'fallback responses high' },
      callerLog: () => ({ level: 'INFO', msg: '' }),
      callerImpact: { error_rate: 0, latency_ms: 0 },
      silent: { shortfall },
      mechanism: `${root.name}'s circuit breaker on calls to ${dep.name} opened during a brief blip of ${dep.name} and stayed open (${stuck ? 'its half-open trial calls kept failing on connections broken by the blip' : `release ${version} pointed its half-open probe at something ${dep.name} does not have: ${probe.asks}`}), so ${root.name} answered from its fallback with HTTP 200 and transactions silently failed.`,
      trigger: stuck ? `a brief blip (a failover or pause) of ${dep.name}.` : `the deploy of ${root.name} ${version}, whose breaker probe could never pass, and then a brief blip of ${dep.name}.`,
      concepts: {
        mechanism: [['circuit breaker', 'breaker', 'circuit'], ['open', 'fallback', 'default']],
        trigger: stuck ? [['blip', 'failover', 'fail over', 'pause', 'brief', 'transient', 'spike', 'promoted']] : [['deploy', 'release', version, 'probe', 'health check', 'healthz']],
        remediation: stuck ? [['restart', 'restarted', 'reset', 'closed the breaker', 'bounce']] : [['rollback', 'rolled back', 'roll back', 'revert']],
      },
    };
  },
};
