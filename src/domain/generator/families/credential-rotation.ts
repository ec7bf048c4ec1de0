import { dependencyOf, faultOf, key, line, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const databaseCredentialMismatch: Family = {
  id: 'database_credential_mismatch',
  title: 'Database password rotated without every client',
  rootTiers: ['secrets'],
  variants: [{ id: 'stale_client' }, { id: 'cached_secret', splits: ['test'] }],
  claim: [['password', 'database credential', 'db credential'], ['rotat', 'old password', 'stale', 'mismatch', 'cached']],
  build(ctx): FaultBuild {
    const { root, rng, topo, split } = ctx;
    const client = topo.callers(root.name).find((c) => dependencyOf(ctx, c, 'db')) ?? topo.callers(root.name)[0]!;
    const db = dependencyOf(ctx, client, 'db');
    const dbName = db ? db.name : 'the database';
    const v = rng.int(10, 60);
    const stale = ctx.variant === 'stale_client';
    const targets = rng.int(3, 8);
    return {
      ...faultOf(this, ctx),
      // A client that caches the old password picks up the new one only when it restarts.
      remedy: stale ? remedy('complete_rollout', root) : remedy('restart', client),
      decoys: [remedy('revert_config', root), stale ? remedy('restart', client) : remedy('complete_rollout', root), ...(db ? [remedy('restart', db)] : [])],
      rootOverview: { error_rate: 0.001 },
      rootDetail: { last_rollout_targets: targets, last_rollout_failed: 1, secret_version_latest: v + 1 },
      after: { last_rollout_failed: 0, last_rollout_targets: targets },
      rootLogs: [
        line(-6, 'INFO', say(split, `rotated secret/db/${client.domain} to version ${v + 1}; password changed on ${dbName}`, `secret db-${client.domain} version ${v + 1} is AWSCURRENT; password set on ${dbName}`)),
        key(-5, 'WARN', stale ? say(split, `lease push to ${client.name}: not acknowledged (client on version ${v})`, `target ${client.name} did not acknowledge version ${v + 1}; still reading version ${v}`) : say(split, `${client.name} caches secrets for 24h; it will read version ${v + 1} tomorrow`, `${client.name}: cached secret TTL 86400s, holding version ${v}`)),
      ],
      rootAlert: { metric: 'last_rollout_failed', op: '>', threshold: 0, severity: 'WARNING', label: 'rollout targets failed' },
      callerLog: (c) =>
        c.name === client.name
          ? { level: 'ERROR', msg: say(split, `FATAL: password authentication failed for user "${client.domain}_app" (${dbName})`, `Error 1045 (28000): Access denied for user '${client.domain}_app' (using password: YES) on ${dbName}`) }
          : { level: 'WARN', msg: say(split, `${client.name} unavailable: 503`, `call ${client.name} status=503`) },
      callsSucceed: true,
      callerImpact: { error_rate: rng.int(30, 60) / 100, latency_ms: rng.int(20, 200) },
      mechanism: `${root.name} rotated the database password for ${client.name} but ${client.name} kept the old password (${stale ? 'the push to it was never acknowledged' : 'it caches secrets for 24 hours'}), so its logins to ${dbName} failed with authentication errors.`,
      trigger: `a scheduled rotation of the ${client.domain} database password.`,
      concepts: {
        mechanism: [['password', 'credential', 'secret'], ['rotat', 'old password', 'stale', 'cached', 'mismatch'], ['authentication', 'access denied', 'login']],
        trigger: [['rotation', 'rotate', 'scheduled']],
        remediation: stale ? [['re push', 'repush', 'rollout', 'refresh', 'complete', 'every client']] : [['restart', 'restarted', 'reload', 'reloaded']],
      },
    };
  },
};
