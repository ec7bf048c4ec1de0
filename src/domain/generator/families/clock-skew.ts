import { faultOf, key, line, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const clockSkew: Family = {
  id: 'clock_skew',
  title: 'Clock skew',
  rootTiers: ['auth', 'api'],
  variants: [{ id: 'time_sources_lost' }, { id: 'vm_migration', splits: ['test'] }],
  claim: [['clock', 'time sync', 'ntp', 'chrony'], ['skew', 'drift', 'ahead', 'offset', 'future']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const skew = rng.int(120, 900);
    const ntp = say(split, 'ntpd', 'chronyd');
    const lost = ctx.variant === 'time_sources_lost';
    const iat = 1773480000 + skew;
    return {
      ...faultOf(this, ctx),
      remedy: remedy('resync_clock', root),
      decoys: [remedy('restart', root), remedy('rollback', root)],
      rootOverview: { error_rate: rng.int(2, 4) / 100 },
      rootDetail: { clock_offset_s: skew, time_sources_reachable: lost ? 0 : 2 },
      after: { clock_offset_s: 0, time_sources_reachable: 2 },
      rootLogs: [
        lost ? line(-60, 'WARN', say(split, `${ntp}: no reachable time sources (last sync 26h ago)`, `${ntp}: Can't synchronise: no selectable sources`)) : line(-30, 'INFO', say(split, `host ${root.name}-node-${rng.int(1, 9)} live-migrated (pause ${rng.int(40, 90)}s)`, `hypervisor: instance resumed after migration (paused ${rng.int(40, 90)}s)`)),
        key(-1, 'WARN', say(split, `clock offset +${skew}s against the fleet median`, `System clock wrong by ${skew}.${rng.int(100, 999)} seconds`)),
        line(0, 'INFO', say(split, `issued token with iat=${iat} nbf=${iat}`, `token granted iat=${iat}`)),
      ],
      rootAlert: { metric: 'clock_offset_s', op: '>', threshold: 1, severity: 'WARNING', label: 'clock offset high' },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: say(split, `token from ${callee.name} rejected: "iat" is in the future (nbf not yet valid)`, `jwt rejected: token used before issued (issuer ${callee.name})`) }),
      callsSucceed: true,
      callerImpact: { error_rate: rng.int(20, 40) / 100, latency_ms: rng.int(10, 80) },
      mechanism: `${root.name}'s clock drifted ${skew}s ahead (${lost ? `${ntp} lost its time sources` : 'the host was live-migrated and time sync did not step the clock'}), so tokens it issued were not yet valid for everyone else.`,
      trigger: lost ? `${ntp} on ${root.name}'s hosts lost every time source.` : `a live migration of ${root.name}'s host.`,
      concepts: {
        mechanism: [['clock', 'time'], ['skew', 'drift', 'ahead', 'offset', 'future']],
        trigger: lost ? [[ntp, 'ntp', 'time source', 'sync']] : [['migration', 'migrated', 'paused']],
        remediation: [['resync', 'resynchron', 'sync', 'step the clock']],
      },
    };
  },
};
