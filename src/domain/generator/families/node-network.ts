import { faultOf, key, line, ongoing, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

export const nodeNetworkDegradation: Family = {
  id: 'node_network_degradation',
  title: 'Degraded network on one node',
  rootTiers: ['api', 'auth'],
  variants: [{ id: 'packet_loss' }, { id: 'conntrack_full', splits: ['test'] }],
  claim: [['packet loss', 'packets', 'retransmit', 'conntrack', 'network', 'nic'], ['node', 'host']],
  build(ctx): FaultBuild {
    const { root, rng, split } = ctx;
    const node = say(split, `ip-10-2-${rng.int(1, 9)}-${rng.int(10, 99)}`, `worker-pool-c-${rng.int(10, 99)}`);
    const loss = ctx.variant === 'packet_loss';
    const pct = rng.int(8, 30);
    return {
      ...faultOf(this, ctx),
      remedy: remedy('reschedule', root),
      decoys: [remedy('restart', root), remedy('scale_out', root), remedy('rollback', root)],
      rootOverview: { error_rate: rng.int(8, 20) / 100, latency_p99_ms: rng.int(1500, 5000) },
      rootDetail: loss ? { tcp_retransmits_pct: pct, pods_on_degraded_node: root.replicas - 1 } : { conntrack_used_pct: 100, dropped_packets_per_min: rng.int(2000, 9000) },
      after: loss ? { tcp_retransmits_pct: 0.2, pods_on_degraded_node: 0 } : { conntrack_used_pct: rng.int(30, 45), dropped_packets_per_min: 0 },
      rootLogs: [
        line(-10, 'INFO', say(split, `pods ${root.name}-${rng.int(100, 999)}.. scheduled on node ${node}`, `${root.name} instances placed on ${node}`)),
        loss ? key(-3, 'WARN', say(split, `node ${node}: eth0 rx errors ${rng.int(1000, 9000)}/s; TCP retransmits ${pct}%`, `${node}: NIC reports CRC errors; tcp retransmit rate ${pct}%`)) : key(-3, 'WARN', say(split, `node ${node}: nf_conntrack: table full, dropping packet`, `${node} kernel: nf_conntrack: nf_conntrack: table full, dropping packet`)),
        ongoing(() => key(0, 'WARN', say(split, `upstream connect timeouts from pods on ${node} only; pods on other nodes healthy`, `timeouts confined to instances on ${node}`))),
      ],
      rootAlert: { metric: 'error_rate', op: '>', threshold: 0.05, severity: 'WARNING', label: 'error rate above SLO' },
      callerLog: (_c, callee) => ({ level: 'ERROR', msg: say(split, `call to ${callee.name} timed out after 3000ms (some requests only)`, `call ${callee.name} err="i/o timeout" (intermittent)`) }),
      callerImpact: { error_rate: rng.int(8, 18) / 100, latency_ms: rng.int(1500, 3000) },
      mechanism: loss ? `node ${node}, where most of ${root.name}'s pods run, has a failing network card dropping ${pct}% of packets, so requests to those pods time out.` : `node ${node}, where most of ${root.name}'s pods run, filled its conntrack table and drops new connections, so requests to those pods time out.`,
      trigger: loss ? `a hardware fault on node ${node}.` : `connection churn on node ${node} exceeding nf_conntrack_max.`,
      concepts: {
        mechanism: [['node', 'host', node], loss ? ['packet loss', 'packets', 'retransmit', 'nic', 'network card'] : ['conntrack', 'dropping packet', 'connection table']],
        trigger: loss ? [['hardware', 'nic', 'network card']] : [['conntrack', 'churn', 'connections']],
        remediation: [['reschedul', 'moved', 'drain', 'cordon', 'other nodes']],
      },
    };
  },
};
