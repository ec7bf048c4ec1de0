import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const autoscalerMisconfig: Family = {
  id: 'autoscaler_misconfiguration',
  title: 'Autoscaler capped below demand',
  rootTiers: ['api', 'worker'],
  maskable: true,
  variants: [{ id: 'max_replicas_lowered' }, { id: 'metric_missing', splits: ['test'] }],
  claim: [['autoscal', 'hpa', 'replicas', 'capacity', 'scale'], ['capped', 'max replicas', 'maximum', 'not scaling', 'did not scale', 'could not scale', 'under provisioned', 'underprovisioned', 'missing metric']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const capped = ctx.variant === 'max_replicas_lowered';
    const max = rng.int(2, 3);
    const desired = rng.int(8, 14);
    return {
      ...faultOf(this, ctx),
      remedy: remedy('scale_out', root),
      decoys: [remedy('restart', root), remedy('rollback', root), remedy('reschedule', root)],
      // An autoscaler's status caps its desired count at its maximum: what it would want shows only in its events (the log).
      rootOverview: { error_rate: rng.int(10, 25) / 100, latency_p99_ms: rng.int(2500, 7000), cpu_pct: rng.int(96, 100) },
      rootDetail: { pods_ready: max, pods_desired: max, hpa_max_replicas: capped ? max : 20, request_queue_depth: rng.int(500, 4000) },
      after: { pods_ready: desired, pods_desired: desired, hpa_max_replicas: 20, request_queue_depth: rng.int(0, 20) },
      latent: { pods_ready: max, pods_desired: max, hpa_max_replicas: capped ? max : 20 },
      rootLogs: [
        capped ? key(-50, 'INFO', say(split, `HorizontalPodAutoscaler ${root.name}: maxReplicas changed 20 -> ${max}`, `autoscaling policy for ${root.name} updated: max_instances=${max}`)) : key(-50, 'WARN', say(split, `HorizontalPodAutoscaler ${root.name}: failed to get cpu utilization: unable to fetch metrics from resource metrics API`, `autoscaler ${root.name}: no data for target metric; holding at ${max} instances`)),
        // A capped autoscaler knows how many it wants; one without its metric cannot say.
        capped
          ? key(-2, 'WARN', say(split, `desired replicas ${desired}, running ${max} (capped at maxReplicas ${max})`, `scaling recommendation ${desired} instances, current ${max} (at max_instances)`))
          : key(-2, 'WARN', say(split, `HorizontalPodAutoscaler ${root.name}: ScalingActive=False (FailedGetResourceMetric); holding at ${max} replicas`, `autoscaler ${root.name}: no recommendation without its target metric; holding at ${max} instances while load rises`)),
        root.tier === 'worker'
          ? ongoing(() => line(0, 'WARN', say(split, `consumer lag ${rng.int(300, 1800)}s and growing; every consumer at 100% CPU`, `prefetch buffers full on all ${max} instances; deliveries waiting ${rng.int(300, 1800)}s`)))
          : ongoing(() => line(0, 'WARN', say(split, `request queue depth ${rng.int(500, 4000)}; rejecting with 503`, `server busy: ${rng.int(500, 4000)} requests queued, shedding load`))),
      ],
      rootAlert: { metric: 'cpu_pct', op: '>', threshold: 90, severity: 'WARNING', label: 'CPU usage high' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `${callee.name} returned 503 (server busy) for GET /v1/${callee.domain}`, `call ${callee.name} status=503 body="overloaded"`) }),
      callerImpact: { error_rate: rng.int(10, 25) / 100, latency_ms: rng.int(1500, 4000) },
      mechanism: capped ? `${root.name}'s autoscaler was capped at ${max} replicas by a policy change, so it could not scale with the morning traffic and its pods saturated.` : `${root.name}'s autoscaler lost its metric and held at ${max} replicas, so it did not scale with the morning traffic and its pods saturated.`,
      trigger: capped ? 'a cost policy lowered maxReplicas.' : 'the resource metrics API stopped answering the autoscaler.',
      concepts: {
        mechanism: [['autoscal', 'hpa', 'replicas', 'scale', 'capacity'], ['capped', 'max', 'could not scale', 'did not scale', 'saturat', 'overload']],
        trigger: capped ? [['policy', 'maxreplicas', 'max replicas', 'cost']] : [['metric', 'metrics api', 'no data']],
        remediation: [['scale out', 'scaled out', 'add replicas', 'added replicas', 'scale up', 'scaled up']],
      },
    };
  },
};
