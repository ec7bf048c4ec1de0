import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild, LogLine } from '../types.js';
import { deployLine } from '../voice.js';

export const badDeploy: Family = {
  id: 'bad_deploy',
  title: 'Bad deploy',
  rootTiers: ['api', 'worker'],
  variants: [{ id: 'null_field' }, { id: 'missing_env', splits: ['test'] }],
  claim: [['deploy', 'release', 'rollout', 'version'], ['bug', 'regression', 'exception', 'null', 'undefined', 'crash', 'dereferenc', 'missing field', 'not set', 'missing environment', 'environment variable']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const version = `v${rng.int(2, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
    const field = rng.pick(['currency', 'shippingAddress', 'taxRegion', 'locale']);
    const env = rng.pick(['PAYMENTS_WEBHOOK_SECRET', 'FX_RATES_URL', 'TAX_API_KEY']);
    const nullField = ctx.variant === 'null_field';
    const deploy: LogLine = { at: -2, ...deployLine(rng, root, split, version) };
    const logs = nullField
      ? [
          deploy,
          ongoing(() => key(0, 'ERROR', say(split, `NullPointerException: Cannot invoke "String.length()" because "${field}" is null at ResponseMapper.toDto(ResponseMapper.java:88)`, `TypeError: Cannot read properties of undefined (reading '${field}') at serialize (mapper.js:88)`))),
          root.tier === 'worker'
            ? ongoing(() => line(1, 'ERROR', say(split, `failed to process message from ${root.domain}-events (attempt ${rng.int(2, 9)}); sending back for retry`, `delivery nacked and requeued after handler error (attempt ${rng.int(2, 9)})`)))
            : ongoing(() => line(1, 'ERROR', say(split, `GET /v1/${root.domain} 500 ${rng.int(4, 30)}ms`, `method=GET path=/api/${root.domain} status=500 duration_ms=${rng.int(4, 30)}`))),
        ]
      : [
          deploy,
          ongoing(() => key(0, 'FATAL', say(split, `config: required environment variable ${env} is not set; exiting`, `panic: missing required env ${env}`))),
          line(1, 'WARN', say(split, `Back-off restarting failed container ${root.name} (restart count ${rng.int(4, 12)})`, `instance ${root.name}-${rng.int(1, 3)} exited with code 2; restarting (attempt ${rng.int(4, 12)})`)),
        ];
    // A consumer counts the messages it failed, an API the 500s it answered.
    const worker = root.tier === 'worker';
    const failures = worker ? 'jobs_failed_per_min' : 'http_5xx_per_min';
    const failing = worker ? 'the messages it handles fail and are requeued' : 'its requests fail with 500s';
    return {
      ...faultOf(this, ctx),
      remedy: remedy('rollback', root),
      decoys: [remedy('restart', root), remedy('scale_out', root)],
      rootOverview: { error_rate: rng.int(30, 60) / 100 },
      rootDetail: nullField ? { [failures]: rng.int(800, 4000), pods_ready: root.replicas, pods_desired: root.replicas } : { [failures]: rng.int(800, 4000), pods_ready: Math.max(0, root.replicas - 2), pods_desired: root.replicas, restarts_last_hour: rng.int(6, 20) },
      after: { [failures]: rng.int(0, 5), pods_ready: root.replicas },
      rootLogs: logs,
      rootAlert: { metric: 'error_rate', op: '>', threshold: 0.05, severity: 'CRITICAL', label: 'error rate above SLO' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `${callee.name} returned 500 for GET /v1/${callee.domain}`, `call ${callee.name} path=/api/${callee.domain} status=500`) }),
      callerImpact: { error_rate: rng.int(15, 35) / 100, latency_ms: rng.int(50, 400) },
      mechanism: nullField ? `release ${version} of ${root.name} dereferences a missing "${field}" field, so ${failing}.` : `release ${version} of ${root.name} requires environment variable ${env}, which is not set, so its pods crash on start and ${worker ? 'messages wait' : 'requests fail'}.`,
      trigger: `the deploy of ${root.name} ${version}.`,
      concepts: {
        mechanism: nullField ? [['null', 'undefined', 'exception', 'typeerror', 'nullpointerexception', 'bug', 'regression'], [field.toLowerCase(), 'serializ', 'field']] : [['environment variable', 'env', 'config', env.toLowerCase()], ['crash', 'exit', 'restart', 'missing', 'not set']],
        trigger: [['deploy', 'release', 'rollout', version]],
        remediation: [['rollback', 'rolled back', 'roll back', 'revert']],
      },
    };
  },
};
