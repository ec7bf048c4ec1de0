import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const rateLimitMisconfig: Family = {
  id: 'rate_limit_misconfiguration',
  title: 'Rate-limit misconfiguration and retry storm',
  rootTiers: ['edge'],
  variants: [{ id: 'limit_cut' }, { id: 'wrong_key', splits: ['test'] }],
  claim: [['rate limit', 'rate limiter', 'ratelimit', 'too many requests', 'http 429', 'with 429']],
  build(ctx): FaultBuild {
    const { root, rng, topo, split } = ctx;
    const api = rng.pick(topo.nodes.filter((n) => n.tier === 'api' && root.depends_on.includes(n.name)));
    const was = rng.pick([2000, 5000, 10000]);
    const cut = ctx.variant === 'limit_cut';
    const now = cut ? was / 100 : was;
    const v = rng.int(20, 90);
    const rps = rng.int(8000, 20000);
    const rejected = rng.int(40, 70) / 100;
    // The share of its usual traffic the API behind the limit still gets.
    const left = split === 'train' ? 100 - rng.int(70, 95) : rng.int(1, 9);
    return {
      ...faultOf(this, ctx),
      remedy: remedy('revert_config', root),
      decoys: [remedy('scale_out', api), remedy('restart', root), remedy('scale_out', root)],
      rootOverview: { error_rate: rejected, requests_per_sec: rps, cpu_pct: rng.int(70, 95) },
      // Every request it fails, it rejects with a 429 (its own answer, not an upstream's).
      rootDetail: { requests_429_per_min: Math.round(rps * 60 * rejected), client_retries_per_min: rng.int(40_000, 150_000), rate_limit_rps: now },
      after: { client_retries_per_min: rng.int(10, 80), rate_limit_rps: was },
      rootLogs: [
        line(-2, 'INFO', cut ? say(split, `rate limit config v${v} applied: route /api/* limit ${now} rps (previous ${was} rps)`, `limit_req_zone api rate=${now}r/s applied (config v${v})`) : say(split, `rate limit config v${v} applied: route /api/* key changed from user_id to remote_addr`, `limit_req_zone key $binary_remote_addr applied (config v${v}); was $http_x_user_id`)),
        ongoing(() => key(0, 'WARN', cut ? say(split, `429 Too Many Requests for /api/v1/${api.domain} (limit ${now} rps)`, `limiting requests, excess: ${rng.int(100, 900)}.${rng.int(100, 999)} by zone "api", client: 10.0.0.${rng.int(2, 9)}`) : say(split, `429 Too Many Requests for /api/v1/${api.domain}: bucket 10.0.0.${rng.int(2, 9)} (NAT egress) over limit`, `limiting requests, excess: ${rng.int(100, 900)}.${rng.int(100, 999)} by zone "api", client: 10.0.0.${rng.int(2, 9)} (shared NAT address)`))),
        key(1, 'WARN', say(split, `retry storm: ${rng.int(5, 12)}x normal request volume from clients retrying 429s`, `request volume ${rng.int(5, 12)}x baseline; clients retrying rejected requests`)),
      ],
      rootAlert: { metric: 'requests_429_per_min', op: '>', threshold: 1000, severity: 'CRITICAL', label: 'rejected requests high' },
      symptoms: [
        {
          service: api.name,
          // What gets past the limit is a share of its usual traffic, the share its log gives.
          overview: {},
          share: { requests_per_sec: left / 100 },
          detail: {},
          log: { level: 'WARN', msg: say(split, `inbound traffic dropped ${100 - left}% in 5m`, `request rate fell to ${left}% of baseline`) },
          alert: { metric: 'requests_per_sec', op: '<', threshold: 10, severity: 'WARNING', label: 'traffic drop' },
        },
      ],
      callerLog: (_c, callee) => ({ level: 'WARN', msg: `requests through ${callee.name} rejected with 429` }),
      callerImpact: { error_rate: rng.int(20, 40) / 100, latency_ms: rng.int(100, 600) },
      mechanism: cut ? `config v${v} lowered ${root.name}'s rate limit from ${was} to ${now} rps; rejected clients retried, multiplying traffic into a retry storm.` : `config v${v} keyed ${root.name}'s rate limit by client address, so every user behind the shared NAT address hit one bucket and was rejected; their retries became a retry storm.`,
      trigger: `rate-limit config v${v}.`,
      concepts: {
        mechanism: [['rate limit', '429', 'too many requests'], ['retry', 'retries', 'retried', 'retrying', 'storm']],
        trigger: [['config', 'change', `v${v}`]],
        remediation: [['restore', 'restored', 'revert', 'reverted', 'previous']],
      },
    };
  },
};
