import { fix, line, restart, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const badDeploy: Family = {
  id: 'bad_deploy',
  title: 'Bad deploy',
  rootTiers: ['api', 'worker'],
  build(ctx) {
    const { root, rng } = ctx;
    const version = `v${rng.int(2, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
    const java = ctx.split === 'train';
    const field = rng.pick(['currency', 'shippingAddress', 'taxRegion', 'locale']);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`rollback_${root.name}`, `Roll ${root.name} back to its previous release`, `${root.name} rolled back from ${version}; error rate falling.`, 10),
      wrongFixes: [
        restart(root, `${root.name} restarted on the same ${version} build; the errors resume immediately.`),
        scaleUp(root, `More ${root.name} pods running ${version}; the error rate is unchanged.`),
      ],
      rootOverview: { error_rate: rng.int(30, 60) / 100 },
      rootDetail: { deploy_age_minutes: rng.int(8, 25), pods_ready: root.replicas, pods_desired: root.replicas },
      rootLogs: [
        line(-2, 'INFO', `deploy: ${root.name} ${version} rolled out to ${root.replicas}/${root.replicas} pods (change: serializer refactor)`),
        java
          ? line(0, 'ERROR', `NullPointerException: Cannot invoke "String.length()" because "${field}" is null at ResponseMapper.toDto(ResponseMapper.java:88)`)
          : line(0, 'ERROR', `TypeError: Cannot read properties of undefined (reading '${field}') at serialize (mapper.js:88)`),
        line(1, 'ERROR', `GET ${'/v1/' + root.domain} 500 (${version})`),
      ],
      rootAlert: { severity: 'CRITICAL', text: `${root.name}: HTTP 5xx rate high since deploy ${version}` },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: `${callee.name} returned 500 for GET /v1/${callee.domain}` }),
      callerImpact: { error_rate: rng.int(15, 35) / 100, latency_ms: rng.int(50, 400) },
      mechanism: `release ${version} of ${root.name} dereferences a missing "${field}" field, so its requests fail with 500s.`,
      trigger: `the deploy of ${root.name} ${version}.`,
      concepts: {
        mechanism: [['null', 'undefined', 'exception', 'bug', 'regression'], [field.toLowerCase(), 'serializ', 'field']],
        trigger: [['deploy', 'release', 'rollout', version]],
        remediation: [['rollback', 'rolled back', 'roll back', 'revert']],
      },
    };
  },
};
