import { errorsFor, fix, line, loudCaller, product, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const diskFull: Family = {
  id: 'disk_full',
  title: 'Disk full',
  rootTiers: ['db', 'queue'],
  build(ctx) {
    const { root, rng } = ctx;
    const p = product(ctx);
    const isDb = root.tier === 'db';
    const caller = loudCaller(ctx);
    const write = isDb
      ? p.db === 'postgres'
        ? line(0, 'ERROR', 'PANIC: could not write to file "pg_wal/xlogtemp.4412": No space left on device')
        : line(0, 'ERROR', "Disk is full writing './binlog.000431' (Errcode: 28 - No space left on device). Waiting for someone to free space...")
      : p.queue === 'kafka'
        ? line(0, 'ERROR', 'java.io.IOException: No space left on device while appending to log segment orders-7')
        : line(0, 'ERROR', 'disk free limit reached (0 bytes free); publishers blocked');
    const cause = isDb ? (p.db === 'postgres' ? 'WAL retained by an inactive replication slot' : 'binlogs retained far beyond expire_logs_days') : 'segment retention raised from 24h to 30d';
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`expand_volume_${root.name}`, `Grow ${root.name}'s volume and purge retained logs`, `${root.name}'s volume grown and old logs purged; writes resume.`, 8),
      wrongFixes: [
        restart(root, `${root.name} restarted; it refuses writes again as soon as it is up because the disk is still full.`, errorsFor(caller.name, 0.3, 6, `[CRITICAL] ${caller.name}: errors spiked during ${root.name} restart`)),
        scaleUp(caller, `${caller.name} scaled out; more clients now wait on ${root.name}.`),
      ],
      rootOverview: { error_rate: rng.int(30, 60) / 100, latency_p99_ms: rng.int(2000, 6000) },
      rootDetail: { disk_used_pct: 100, write_errors_per_min: rng.int(500, 3000) },
      rootLogs: [line(-45, 'WARN', `disk usage at 90% on /data (${cause})`), line(-8, 'WARN', 'disk usage at 98% on /data'), write],
      rootAlert: { severity: 'WARNING', text: `${root.name}: disk usage 100% on /data` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `write to ${callee.name} failed: server not accepting writes (no space left)` }),
      callerImpact: { error_rate: rng.int(20, 45) / 100, latency_ms: rng.int(1000, 5000) },
      mechanism: `${root.name}'s data volume filled up (${cause}), so it could no longer accept writes.`,
      trigger: cause,
      concepts: {
        mechanism: [['disk', 'volume', 'no space', 'storage'], ['full', '100%', 'no space', 'filled']],
        trigger: [['retention', 'retained', 'replication slot', 'binlog', 'wal', 'segment']],
        remediation: [['expand', 'grew', 'grow', 'resize', 'purge', 'freed']],
      },
    };
  },
};
