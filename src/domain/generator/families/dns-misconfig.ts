import { fix, line, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const dnsMisconfig: Family = {
  id: 'dns_misconfiguration',
  title: 'DNS misconfiguration',
  rootTiers: ['dns'],
  build(ctx) {
    const { root, rng, topo } = ctx;
    const callers = topo.callers(root.name);
    const victimPool = topo.nodes.filter((n) => n.tier !== 'edge' && n.tier !== 'dns' && callers.some((c) => c.depends_on.includes(n.name)));
    const victim = victimPool.length ? rng.pick(victimPool) : rng.pick(topo.nodes.filter((n) => n.tier !== 'dns' && n.tier !== 'edge'));
    const change = rng.int(1000, 9999);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`revert_dns_change_${root.name}`, `Revert the last zone change on ${root.name}`, `Zone change #${change} reverted; ${victim.name} resolves again and caches refresh.`, 5),
      wrongFixes: [
        restart(victim, `${victim.name} restarted; it was healthy all along and callers still cannot resolve it.`),
        scaleUp(root, `More ${root.name} replicas serve the same broken zone.`),
        restart(root, `${root.name} restarted and reloaded the same zone; lookups still fail.`),
      ],
      rootOverview: { error_rate: rng.int(8, 20) / 100 },
      rootDetail: { nxdomain_per_min: rng.int(3000, 12000), servfail_per_min: rng.int(0, 50), zone_changes_last_hour: 1 },
      rootLogs: [
        line(-3, 'INFO', `zone update applied: change #${change} by automation (record ${victim.name}.internal)`),
        line(-3, 'WARN', `record ${victim.name}.internal now points at CNAME ${victim.name}.internal.old (does not exist)`),
        line(0, 'WARN', `NXDOMAIN for ${victim.name}.internal (${rng.int(3000, 12000)}/min)`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: NXDOMAIN responses 40x baseline` },
      callerLog: () => ({ level: 'ERROR', msg: `lookup ${victim.name}.internal on ${root.name}: no such host; cannot reach ${victim.name}` }),
      callerImpact: { error_rate: rng.int(20, 45) / 100, latency_ms: rng.int(50, 500) },
      mechanism: `zone change #${change} on ${root.name} broke the record for ${victim.name}, so callers could not resolve it (NXDOMAIN) even though ${victim.name} itself was healthy.`,
      trigger: `an automated zone change #${change}.`,
      concepts: {
        mechanism: [['dns', 'resolve', 'lookup', 'nxdomain', 'no such host'], ['record', 'zone', 'cname']],
        trigger: [['change', 'automation', 'zone update']],
        remediation: [['revert', 'reverted', 'restore', 'restored']],
      },
    };
  },
};
