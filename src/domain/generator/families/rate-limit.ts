import { fix, line, restart, rollback, scaleUp } from '../kit.js';
import type { Family } from '../types.js';

export const rateLimitMisconfig: Family = {
  id: 'rate_limit_misconfiguration',
  title: 'Rate-limit misconfiguration and retry storm',
  rootTiers: ['edge'],
  build(ctx) {
    const { root, rng, topo } = ctx;
    const api = rng.pick(topo.nodes.filter((n) => n.tier === 'api'));
    const was = rng.pick([2000, 5000, 10000]);
    const now = was / 100;
    const v = rng.int(20, 90);
    return {
      family: this.id,
      root: root.name,
      team: root.owner,
      fix: fix(`restore_rate_limit_${root.name}`, `Restore ${root.name}'s previous rate-limit config`, `Rate-limit config v${v - 1} restored (${was} rps); 429s stop and client retries die down.`, 4),
      wrongFixes: [
        scaleUp(api, `${api.name} scaled out; requests never reach it because ${root.name} rejects them.`),
        restart(root, `${root.name} restarted with the same config v${v}; 429s resume at once.`),
        rollback(api, `${api.name} rolled back; nothing changes because the rejections happen at ${root.name}.`),
      ],
      rootOverview: { error_rate: rng.int(40, 70) / 100, requests_per_sec: rng.int(8000, 20000), cpu_pct: rng.int(70, 95) },
      rootDetail: { requests_429_per_min: rng.int(50_000, 200_000), client_retries_per_min: rng.int(40_000, 150_000), rate_limit_rps: now },
      rootLogs: [
        line(-2, 'INFO', `rate limit config v${v} applied: route /api/* limit ${now} rps (previous ${was} rps)`),
        line(0, 'WARN', `429 Too Many Requests for /api/v1/${api.domain} (limit ${now} rps)`),
        line(1, 'WARN', `retry storm: ${rng.int(5, 12)}x normal request volume from clients retrying 429s`),
      ],
      rootAlert: { severity: 'CRITICAL', text: `${root.name}: HTTP 429 rate ${rng.int(40, 70)}%` },
      callerLog: (_c, callee) => ({ level: 'WARN', msg: `requests through ${callee.name} rejected with 429` }),
      callerImpact: { error_rate: rng.int(20, 40) / 100, latency_ms: rng.int(100, 600) },
      mechanism: `config v${v} lowered ${root.name}'s rate limit from ${was} to ${now} rps; rejected clients retried, multiplying traffic into a retry storm.`,
      trigger: `rate-limit config v${v}.`,
      concepts: {
        mechanism: [['rate limit', '429', 'too many requests'], ['retry', 'retries', 'storm']],
        trigger: [['config', 'change', `v${v}`]],
        remediation: [['restore', 'restored', 'revert', 'reverted', 'previous']],
      },
    };
  },
};
