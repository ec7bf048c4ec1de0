import { errorsFor, fix, line, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const partialSecretRotation: Family = {
  id: 'partial_secret_rotation',
  title: 'Partial signing-secret rotation',
  rootTiers: ['config', 'secrets'],
  requires: ['auth'],
  build(ctx) {
    const { root, rng, topo } = ctx;
    const auth = topo.callers(root.name).find((c) => c.tier === 'auth') ?? topo.callers(root.name)[0]!;
    const v = rng.int(20, 90);
    const bad = rng.int(0, 2);
    const replicas = [0, 1, 2].map((i) => `${auth.name}-${i}`);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`complete_rotation_${root.name}`, `Re-push the current signing secret from ${root.name} to every ${auth.name} replica`, `${root.name} re-pushed signing key v${v + 1} with retries; all replicas now report kid v${v + 1}.`),
      wrongFixes: [
        fix(`rollback_secret_${root.name}`, `Roll the signing secret back to the previous version on every replica`, `Signing key rolled back to v${v}; every token issued with v${v + 1} is now rejected and users are logged out en masse.`, 6, errorsFor(auth.name, 0.6, 10, `[CRITICAL] ${auth.name}: mass token rejection after secret rollback`)),
        restart(auth, `${auth.name} restarted; ${replicas[bad]} reloads its local secret v${v} and the 401s continue.`),
        scaleUp(auth, `A new ${auth.name} replica starts with the latest secret; one replica still has the old one and the 401s continue.`),
      ],
      rootOverview: { error_rate: 0.0 },
      rootDetail: { last_rollout_targets: 3, last_rollout_failed: 1, secret_version_latest: v + 1 },
      rootLogs: [
        line(-5, 'INFO', `rollout secret/signing-key v${v} -> v${v + 1} started (targets: ${replicas.join(', ')})`),
        ...replicas.map((r, i) => (i === bad ? line(-4, 'ERROR', `push signing-key v${v + 1} to ${r}: timeout after 30s (no retry configured)`) : line(-5, 'INFO', `push signing-key v${v + 1} to ${r}: OK`))),
        line(-4, 'WARN', `rollout secret/signing-key v${v + 1} marked COMPLETE with 2/3 targets updated`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: last rollout finished with 1 failed target` },
      callerLog: (c) =>
        c.name === auth.name
          ? { level: 'WARN', msg: `[${replicas[bad]}] token verification failed: signature invalid (token kid v${v + 1}, local kid v${v}, key from ${root.name})` }
          : { level: 'WARN', msg: `token from ${auth.name} rejected intermittently: unknown key id` },
      callerImpact: { error_rate: rng.int(28, 36) / 100, latency_ms: rng.int(10, 60) },
      mechanism: `${root.name} rotated the signing secret but the push to ${replicas[bad]} timed out and the rollout was marked complete with 2 of 3 replicas updated; tokens signed on one replica failed verification on another, giving intermittent 401s.`,
      trigger: `a routine rotation of the signing key to v${v + 1} with no retry on a failed push.`,
      concepts: {
        mechanism: [['secret', 'signing key', 'key'], ['rotation', 'rotate', 'rotated', 'rollout'], ['partial', '2 of 3', '2/3', 'one replica', 'stale', 'old key', 'mismatch']],
        trigger: [['rotation', 'rotate'], ['retry', 'timeout', 'timed out', 'failed push']],
        remediation: [['complete', 're push', 'repush', 'all replicas', 'every replica']],
      },
    };
  },
};
