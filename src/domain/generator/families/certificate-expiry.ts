import { fix, line, restart, rollback, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const certificateExpiry: Family = {
  id: 'certificate_expiry',
  title: 'Expired TLS certificate',
  rootTiers: ['api', 'auth'],
  build(ctx) {
    const { root, rng } = ctx;
    const issuer = ctx.split === 'train' ? 'cert-manager' : 'acme-renewer';
    const expired = `2026-03-1${rng.int(0, 3)}T00:00:00Z`;
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`renew_certificate_${root.name}`, `Issue a new TLS certificate for ${root.name} and reload it`, `A new certificate for ${root.name} was issued and hot-reloaded; handshakes succeed again.`),
      wrongFixes: [
        restart(root, `${root.name} restarted and loaded the same expired certificate; handshakes still fail.`),
        rollback(root, `${root.name} rolled back; the certificate is not part of the release and is still expired.`),
        scaleUp(root, `New ${root.name} pods mount the same expired certificate; nothing changes.`),
      ],
      rootOverview: { error_rate: rng.int(40, 70) / 100, requests_per_sec: rng.int(20, 80) },
      rootDetail: { tls_handshake_errors_per_min: rng.int(2000, 9000), cert_days_remaining: -rng.int(1, 2) },
      rootLogs: [
        line(-1440, 'WARN', `${issuer}: renewal of certificate ${root.name}-tls failed: issuer rejected the order (challenge failed)`),
        line(0, 'ERROR', `TLS handshake error from 10.2.${rng.int(1, 9)}.${rng.int(10, 99)}: remote error: tls: bad certificate`),
        line(0, 'ERROR', `x509: certificate has expired or is not yet valid: current time is after ${expired}`),
      ],
      rootAlert: { severity: 'WARNING', text: `${root.name}: TLS handshake failures` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `TLS handshake with ${callee.name} failed: x509: certificate has expired` }),
      callerImpact: { error_rate: rng.int(30, 60) / 100, latency_ms: rng.int(50, 300) },
      mechanism: `the TLS certificate of ${root.name} expired, so every client handshake with it failed.`,
      trigger: `automatic renewal by ${issuer} failed a day earlier and nobody was alerted.`,
      concepts: {
        mechanism: [['certificate', 'cert', 'tls', 'x509'], ['expired', 'expiry', 'expiration']],
        trigger: [['renewal', 'renew', issuer]],
        remediation: [['renew', 'renewed', 'new certificate', 'reissue', 'reissued']],
      },
    };
  },
};
