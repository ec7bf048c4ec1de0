import { faultOf, key, line, loudCaller, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const expiredApiCredential: Family = {
  id: 'expired_api_credential',
  title: 'Expired third-party API credential',
  rootTiers: ['thirdparty'],
  variants: [{ id: 'key_expired' }, { id: 'key_revoked', splits: ['test'] }],
  claim: [['api key', 'api credential', 'credential', 'provider key'], ['expired', 'revoked']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const caller = loudCaller(ctx);
    const vendor = root.name.split('-')[0]!;
    const expired = ctx.variant === 'key_expired';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('renew_credentials', root),
      decoys: [remedy('failover', root), remedy('restart', caller)],
      rootOverview: { error_rate: rng.int(70, 98) / 100, latency_p99_ms: rng.int(150, 400) },
      rootDetail: { upstream_2xx_ratio: rng.int(0, 5) / 100, upstream_401_per_min: rng.int(300, 3000), circuit_open: 0 },
      after: { upstream_401_per_min: 0 },
      rootLogs: [
        expired ? line(-10080, 'WARN', say(split, `${vendor} API key sk_live_…${rng.int(1000, 9999)} expires in 7 days`, `credential for ${vendor} (id …${rng.int(1000, 9999)}) nearing expiry: 7d`)) : line(-20, 'INFO', say(split, `${vendor} dashboard: key sk_live_…${rng.int(1000, 9999)} rolled by account admin`, `${vendor} webhook: credential …${rng.int(1000, 9999)} revoked by account owner`)),
        ongoing(() => key(0, 'ERROR', say(split, `POST https://api.${vendor}.com/v1/requests -> 401 Unauthorized: ${expired ? 'api key expired' : 'invalid api key'}`, `outbound call failed status=401 host=api.${vendor}.com body="${expired ? 'credential expired' : 'credential revoked'}"`))),
        line(1, 'WARN', say(split, `${vendor} calls failing fast: 100% 401 in the last 5m`, `${vendor}: every request rejected (401) for 5 minutes`)),
      ],
      rootAlert: { metric: 'upstream_2xx_ratio', op: '<', threshold: 0.9, severity: 'WARNING', label: 'provider success ratio low' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `call through ${callee.name} failed: ${vendor} returned 401`, `${callee.name} error: upstream ${vendor} status=401`) }),
      callerImpact: { error_rate: rng.int(20, 50) / 100, latency_ms: rng.int(10, 100) },
      mechanism: `${root.name}'s API credential for ${vendor} ${expired ? 'expired' : 'was revoked'}, so ${vendor} rejected every call with 401 and every feature using it failed.`,
      trigger: expired ? 'the credential reached its expiry date; the expiry warning went to nobody.' : `the ${vendor} account admin rolled the key without updating ${root.name}.`,
      concepts: {
        mechanism: [['api key', 'credential', 'key', 'token'], ['expired', 'revoked', 'invalid', '401', 'unauthorized']],
        trigger: expired ? [['expiry', 'expire', 'warning']] : [['revoked', 'rolled', 'admin']],
        remediation: [['renew', 'renewed', 'new key', 'new credential', 'rotated', 'replaced']],
      },
    };
  },
};
