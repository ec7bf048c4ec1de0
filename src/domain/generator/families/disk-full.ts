import { faultOf, key, line, loudCaller, ongoing, product, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const diskFull: Family = {
  id: 'disk_full',
  title: 'Disk full',
  rootTiers: ['db', 'queue'],
  variants: [{ id: 'retention' }, { id: 'debug_logging', splits: ['test'] }],
  claim: [['disk', 'volume', 'storage', 'no space'], ['full', 'no space', 'out of space', 'disk filled', 'volume filled']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const p = product(ctx);
    const isDb = root.tier === 'db';
    const caller = loudCaller(ctx);
    const write = isDb
      ? p.db === 'postgres'
        ? ongoing(() => key(0, 'ERROR', 'PANIC: could not write to file "pg_wal/xlogtemp.4412": No space left on device'))
        : ongoing(() => key(0, 'ERROR', "Disk is full writing './binlog.000431' (Errcode: 28 - No space left on device). Waiting for someone to free space..."))
      : p.queue === 'kafka'
        ? ongoing(() => key(0, 'ERROR', `java.io.IOException: No space left on device while appending to log segment events-${rng.int(0, 11)}`))
        : ongoing(() => key(0, 'ERROR', 'disk free limit reached (0 bytes free); publishers blocked'));
    const cause =
      ctx.variant === 'retention'
        ? isDb
          ? p.db === 'postgres' ? 'WAL retained by an inactive replication slot' : 'binlogs retained far beyond binlog_expire_logs_seconds'
          : 'segment retention raised from 24h to 30d'
        : 'debug logging left on after an investigation, writing to the data volume';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('grow_volume', root),
      decoys: [remedy('restart', root), ...(caller.tier === 'api' || caller.tier === 'worker' ? [remedy('scale_out', caller)] : [])],
      rootOverview: { error_rate: rng.int(2, 4) / 100, latency_p99_ms: rng.int(2000, 6000) },
      rootDetail: { disk_used_pct: 100, write_errors_per_min: rng.int(500, 3000) },
      after: { disk_used_pct: rng.int(55, 65), write_errors_per_min: 0 },
      rootLogs: [
        line(-45, 'WARN', say(split, `disk usage at 90% on /data`, `filesystem /data 90% full`)),
        ctx.variant === 'retention' ? key(-30, 'INFO', say(split, `retention: ${cause}`, `retention check: ${cause}`)) : key(-30, 'INFO', say(split, 'log level set to DEBUG by admin', 'logging.level=debug applied (admin request)')),
        line(-8, 'WARN', say(split, 'disk usage at 98% on /data', 'filesystem /data 98% full')),
        write,
      ],
      rootAlert: { metric: 'disk_used_pct', op: '>', threshold: 90, severity: 'WARNING', label: 'disk usage high' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `write to ${callee.name} failed: server not accepting writes (no space left)`, `${callee.name} write error: out of disk space, request rejected`) }),
      callerImpact: { error_rate: rng.int(20, 45) / 100, latency_ms: rng.int(1000, 5000) },
      mechanism: `${root.name}'s data volume filled up (${cause}), so it could no longer accept writes.`,
      trigger: cause,
      concepts: {
        mechanism: [['disk', 'volume', 'no space', 'storage'], ['full', '100%', 'no space', 'filled']],
        trigger: ctx.variant === 'retention' ? [['retention', 'retained', 'replication slot', 'binlog', 'wal', 'segment']] : [['debug', 'logging', 'log level']],
        remediation: [['expand', 'grew', 'grow', 'resize', 'purge', 'freed']],
      },
    };
  },
};
