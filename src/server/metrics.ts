/** Prometheus metrics (prom-client), in a registry owned by one app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  /** May read a shared store; a failed read leaves the gauge as it was. */
  httpSessions(): Promise<number>;
  protocolSessions(): Record<string, number>;
}

const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'incident_' });
  const registers = [registry];
  new Gauge({
    name: 'incident_sessions',
    help: 'Live sessions by kind (http: HTTP-API sessions; ws, mcp-ws, mcp-http: OpenEnv protocol sessions)',
    labelNames: ['kind'],
    registers,
    async collect() {
      try {
        this.set({ kind: 'http' }, await sources.httpSessions());
      } catch {
        // The store is unreachable: /metrics still answers, and incident_store_errors_total says why.
      }
      const byKind = sources.protocolSessions();
      for (const kind of ['ws', 'mcp-ws', 'mcp-http']) this.set({ kind }, byKind[kind] ?? 0);
    },
  });
  return {
    registry,
    steps: new Counter({ name: 'incident_steps_total', help: 'Environment steps taken, by task', labelNames: ['task'], registers }),
    resets: new Counter({ name: 'incident_resets_total', help: 'Episodes started, by task', labelNames: ['task'], registers }),
    episodes: new Counter({ name: 'incident_episodes_finished_total', help: 'Episodes finished, by task and outcome', labelNames: ['task', 'outcome'], registers }),
    errors: new Counter({ name: 'incident_errors_total', help: 'Rejected requests and messages, by transport and error code', labelNames: ['transport', 'code'], registers }),
    httpDuration: new Histogram({ name: 'incident_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers }),
    storeDuration: new Histogram({ name: 'incident_store_duration_seconds', help: 'Shared (Redis) session store operation latency, by operation and outcome', labelNames: ['op', 'outcome'], buckets: LATENCY_BUCKETS, registers }),
    storeErrors: new Counter({ name: 'incident_store_errors_total', help: 'Session store operations that failed (store unreachable or too slow), by operation', labelNames: ['op'], registers }),
    wsDuration: new Histogram({ name: 'incident_ws_message_duration_seconds', help: 'WebSocket message handling latency', labelNames: ['endpoint', 'type'], buckets: LATENCY_BUCKETS, registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
