import { faultOf, ip, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const certificateExpiry: Family = {
  id: 'certificate_expiry',
  title: 'Expired TLS certificate',
  rootTiers: ['api', 'auth'],
  variants: [{ id: 'renewal_failed' }, { id: 'manually_installed', splits: ['test'] }],
  claim: [['certificate', 'cert', 'tls', 'x509'], ['expired', 'expiry', 'expiration', 'not after']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const issuer = say(split, 'cert-manager', 'acme-renewer');
    const renewal = ctx.variant === 'renewal_failed';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('renew_credentials', root),
      decoys: [remedy('restart', root), remedy('rollback', root)],
      rootOverview: { error_rate: rng.int(40, 70) / 100, requests_per_sec: rng.int(20, 80) },
      rootDetail: { tls_handshake_errors_per_min: rng.int(2000, 9000), cert_seconds_remaining: -rng.int(60, 500) },
      after: { tls_handshake_errors_per_min: rng.int(0, 3), cert_seconds_remaining: 90 * 86400 },
      rootLogs: [
        renewal
          ? line(-1440, 'WARN', say(split, `${issuer}: renewal of certificate ${root.name}-tls failed: challenge failed (will retry in 24h)`, `${issuer}: order for ${root.name}.internal failed: authorization challenge invalid`))
          : line(-90, 'INFO', say(split, `loaded certificate ${root.name}-tls from /etc/tls (issued manually, not managed)`, `tls: serving certificate from file /etc/tls/${root.name}.pem (no renewal configured)`)),
        ongoing(() => key(0, 'ERROR', say(split, `TLS handshake error from ${ip(ctx)}: remote error: tls: bad certificate`, `http: TLS handshake error from ${ip(ctx)}:${rng.int(30000, 60000)}: remote error: tls: expired certificate`))),
        key(0, 'WARN', say(split, `certificate ${root.name}-tls expired (NotAfter passed); still serving it: no newer certificate in the keystore`, `tls: serving certificate for ${root.name}.internal is past its NotAfter; no replacement loaded`)),
      ],
      rootAlert: { metric: 'cert_seconds_remaining', op: '<', threshold: 86400, severity: 'WARNING', label: 'certificate validity low' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `TLS handshake with ${callee.name} failed: x509: certificate has expired`, `SSL routines::certificate verify failed connecting to ${callee.name} (certificate has expired)`) }),
      callerImpact: { error_rate: rng.int(30, 60) / 100, latency_ms: rng.int(50, 300) },
      mechanism: `the TLS certificate of ${root.name} expired, so every client handshake with it failed.`,
      trigger: renewal ? `automatic renewal by ${issuer} failed a day earlier and nobody was alerted.` : 'the certificate had been installed by hand and was never set up for renewal.',
      concepts: {
        mechanism: [['certificate', 'cert', 'tls', 'x509'], ['expired', 'expiry', 'expiration']],
        trigger: renewal ? [['renewal', 'renew', issuer]] : [['manual', 'by hand', 'not managed', 'no renewal']],
        remediation: [['renew', 'renewed', 'new certificate', 'reissue', 'reissued']],
      },
    };
  },
};
