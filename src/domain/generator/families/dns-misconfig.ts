import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';
import { ZONE_CHANGE_AT, zoneSerial } from '../voice.js';

export const dnsMisconfig: Family = {
  id: 'dns_misconfiguration',
  title: 'DNS misconfiguration',
  rootTiers: ['dns'],
  // A broken record fails the services that look it up: some caller must call a service by name.
  hosts: (topo, n) => topo.callers(n.name).some((c) => c.depends_on.some((d) => !['edge', 'dns'].includes(topo.byName.get(d)!.tier))),
  variants: [{ id: 'broken_cname' }, { id: 'stale_address', splits: ['test'] }],
  claim: [['dns', 'nxdomain', 'resolve', 'resolution', 'lookup', 'no such host', 'zone'], ['record', 'zone', 'cname', 'a record']],
  build(ctx): FaultBuild {
    const { root, rng, topo, split } = ctx;
    const callers = topo.callers(root.name);
    const victim = rng.pick(topo.nodes.filter((n) => n.tier !== 'edge' && n.tier !== 'dns' && callers.some((c) => c.depends_on.includes(n.name))));
    const change = rng.int(1000, 9999);
    const cname = ctx.variant === 'broken_cname';
    const oldIp = `10.${rng.int(1, 9)}.${rng.int(0, 9)}.${rng.int(10, 250)}`;
    return {
      ...faultOf(this, ctx),
      remedy: remedy('revert_config', root),
      decoys: [remedy('restart', victim), remedy('restart', root)],
      // Only the services that call the service whose record broke resolve its name.
      reaches: callers.filter((c) => c.depends_on.includes(victim.name)).map((c) => c.name),
      rootOverview: { error_rate: 0.004 },
      rootDetail: cname ? { nxdomain_per_min: rng.int(3000, 12000), servfail_per_min: rng.int(0, 50), zone_changes_last_hour: 1 } : { nxdomain_per_min: rng.int(0, 40), servfail_per_min: rng.int(0, 50), zone_changes_last_hour: 1 },
      after: { zone_changes_last_hour: 2 },
      rootLogs: [
        line(ZONE_CHANGE_AT, 'INFO', say(split, `zone update applied: change #${change} by automation (record ${victim.name}.internal)`, `zone internal/IN: loaded serial ${zoneSerial(true)} (change ${change}, automation)`)),
        cname
          ? key(-3, 'WARN', say(split, `record ${victim.name}.internal now points at CNAME ${victim.name}.internal.old (does not exist)`, `${victim.name}.internal CNAME ${victim.name}-old.internal: target has no address records`))
          : key(-3, 'INFO', say(split, `record ${victim.name}.internal A ${oldIp} (restored from backup snapshot)`, `${victim.name}.internal IN A ${oldIp} (from snapshot)`)),
        ...(cname ? [ongoing(() => key(0, 'WARN', say(split, `NXDOMAIN for ${victim.name}.internal (${rng.int(3000, 12000)}/min)`, `query ${victim.name}.internal IN A: NXDOMAIN (${rng.int(3000, 12000)}/min)`)))] : []),
      ],
      rootAlert: cname ? { metric: 'nxdomain_per_min', op: '>', threshold: 500, severity: 'WARNING', label: 'NXDOMAIN responses high' } : { metric: 'zone_changes_last_hour', op: '>', threshold: 0, severity: 'INFO', label: 'zone changed' },
      callerLog: () =>
        cname
          ? { level: 'ERROR', msg: say(split, `dial tcp: lookup ${victim.name}.internal on ${root.name}: no such host`, `getaddrinfo ENOTFOUND ${victim.name}.internal`) }
          : { level: 'ERROR', msg: say(split, `dial tcp ${oldIp}:8080: connect: no route to host (${victim.name}.internal)`, `connect ETIMEDOUT ${oldIp}:8080 (resolved ${victim.name}.internal)`) },
      callerImpact: { error_rate: rng.int(20, 45) / 100, latency_ms: rng.int(50, 500) },
      mechanism: cname
        ? `zone change #${change} on ${root.name} broke the record for ${victim.name}, so callers could not resolve it (NXDOMAIN) even though ${victim.name} itself was healthy.`
        : `zone change #${change} on ${root.name} restored a stale A record for ${victim.name} pointing at ${oldIp}, a decommissioned address, so callers connected nowhere even though ${victim.name} itself was healthy.`,
      trigger: `an automated zone change #${change}.`,
      concepts: {
        mechanism: [['dns', 'resolve', 'lookup', 'nxdomain', 'no such host', 'record'], cname ? ['cname', 'zone', 'record'] : ['stale', 'old address', 'decommissioned', 'wrong address', oldIp]],
        trigger: [['change', 'automation', 'zone update', 'snapshot']],
        remediation: [['revert', 'reverted', 'restore', 'restored']],
      },
    };
  },
};
