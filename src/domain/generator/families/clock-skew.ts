import { fix, line, restart, rollback } from '../kit.js';
import type { Family } from '../types.js';

export const clockSkew: Family = {
  id: 'clock_skew',
  title: 'Clock skew',
  rootTiers: ['auth', 'api'],
  build(ctx) {
    const { root, rng } = ctx;
    const skew = rng.int(120, 900);
    const ntp = ctx.split === 'train' ? 'ntpd' : 'chronyd';
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`resync_clock_${root.name}`, `Restart time sync on ${root.name}'s hosts and step the clock`, `${ntp} resynchronised; ${root.name}'s clock is within 5ms and token checks pass.`, 3),
      wrongFixes: [
        restart(root, `${root.name} restarted on the same host; its clock is still ${skew}s ahead.`),
        rollback(root, `${root.name} rolled back; the clock is still ${skew}s ahead.`),
      ],
      rootOverview: { error_rate: rng.int(2, 6) / 100 },
      rootDetail: { clock_offset_s: skew, ntp_reachable: 0 },
      rootLogs: [
        line(-60, 'WARN', `${ntp}: no reachable time sources (last sync 26h ago)`),
        line(-1, 'WARN', `clock offset +${skew}s against the fleet median`),
        line(0, 'INFO', `issued token with iat=${1773480000 + skew} nbf=${1773480000 + skew}`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: time sync lost` },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: `token from ${callee.name} rejected: "iat" is in the future (nbf not yet valid)` }),
      callerImpact: { error_rate: rng.int(20, 40) / 100, latency_ms: rng.int(10, 80) },
      mechanism: `${root.name}'s clock drifted ${skew}s ahead after ${ntp} lost its time sources, so tokens it issued were not yet valid for everyone else.`,
      trigger: `${ntp} on ${root.name}'s hosts lost every time source.`,
      concepts: {
        mechanism: [['clock', 'time'], ['skew', 'drift', 'ahead', 'offset', 'future']],
        trigger: [[ntp, 'ntp', 'time source', 'sync']],
        remediation: [['resync', 'resynchron', 'sync', 'step the clock']],
      },
    };
  },
};
