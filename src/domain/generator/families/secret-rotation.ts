import { faultOf, key, line, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const partialSecretRotation: Family = {
  id: 'partial_secret_rotation',
  title: 'Partial signing-secret rotation',
  rootTiers: ['config', 'secrets'],
  requires: ['auth'],
  variants: [{ id: 'push_timeout' }, { id: 'replica_restarting', splits: ['test'] }],
  claim: [['signing key', 'signing secret', 'jwt', 'key id', 'kid', 'token signature', 'tokens signed'], ['rotation', 'rotate', 'rotated', 'rollout', 'push']],
  build(ctx): FaultBuild {
    const { root, rng, topo, split } = ctx;
    const auth = topo.callers(root.name).find((c) => c.tier === 'auth') ?? topo.callers(root.name)[0]!;
    const v = rng.int(20, 90);
    const bad = rng.int(0, 2);
    const replicas = [0, 1, 2].map((i) => `${auth.name}-${i}`);
    const failure = ctx.variant === 'push_timeout' ? 'timeout after 30s (no retry configured)' : 'target not ready (pod restarting); skipped';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('complete_rollout', root),
      decoys: [remedy('revert_config', root), remedy('restart', auth), remedy('scale_out', auth)],
      rootOverview: { error_rate: 0.0 },
      rootDetail: { last_rollout_targets: 3, last_rollout_failed: 1, secret_version_latest: v + 1 },
      after: { last_rollout_failed: 0, last_rollout_targets: 3 },
      rootLogs: [
        line(-5, 'INFO', say(split, `rollout secret/signing-key v${v} -> v${v + 1} started (targets: ${replicas.join(', ')})`, `distributing signing-key version ${v + 1} to ${replicas.length} targets`)),
        ...replicas.map((r, i) => (i === bad ? key(-4, 'ERROR', say(split, `push signing-key v${v + 1} to ${r}: ${failure}`, `target ${r}: update to version ${v + 1} failed: ${failure}`)) : line(-5, 'INFO', say(split, `push signing-key v${v + 1} to ${r}: OK`, `target ${r}: version ${v + 1} acknowledged`)))),
        key(-4, 'WARN', say(split, `rollout secret/signing-key v${v + 1} marked COMPLETE with 2/3 targets updated`, `distribution of signing-key ${v + 1} finished: 2 succeeded, 1 failed`)),
      ],
      rootAlert: { metric: 'last_rollout_failed', op: '>', threshold: 0, severity: 'WARNING', label: 'rollout targets failed' },
      callerLog: (c) =>
        c.name === auth.name
          ? { level: 'WARN', msg: say(split, `[${replicas[bad]}] token verification failed: signature invalid (token kid v${v + 1}, local kid v${v})`, `replica=${replicas[bad]} jwt verify error: no key for kid=${v + 1} (have kid=${v})`) }
          : { level: 'WARN', msg: say(split, `token from ${auth.name} rejected intermittently: unknown key id`, `401 from ${auth.name}: invalid token signature (1 in 3 requests)`) },
      callsSucceed: true,
      callerImpact: { error_rate: rng.int(28, 36) / 100, latency_ms: rng.int(10, 60) },
      mechanism: `${root.name} rotated the signing secret but the push to ${replicas[bad]} failed (${failure}) and the rollout was marked complete with 2 of 3 replicas updated; tokens signed on one replica failed verification on another, giving intermittent 401s.`,
      trigger: `a routine rotation of the signing key to v${v + 1} that did not retry a failed push.`,
      concepts: {
        mechanism: [['secret', 'signing key', 'key'], ['rotation', 'rotate', 'rotated', 'rollout'], ['partial', '2 of 3', '2/3', 'one replica', 'stale', 'old key', 'mismatch', 'missed', 'did not reach', 'didn t reach', 'not every', 'never reached', 'one target', 'one instance', 'timed out', 'failed to reach']],
        trigger: [['rotation', 'rotate'], ['retry', 'timeout', 'timed out', 'failed push', 'restarting', 'not ready', 'skipped']],
        remediation: [['complete', 're push', 'repush', 'all replicas', 'every replica']],
      },
    };
  },
};
