/**
 * Naming vocabularies. The train and test splits use disjoint words for domains, service name
 * patterns, infrastructure products and teams, so no train parameters can produce a test incident.
 */
import type { Split, Tier } from './types.js';

export interface Vocabulary {
  domains: readonly string[];
  name(tier: Tier, domain: string, index: number): string;
  team(tier: Tier, domain: string): string;
  /** Product words used in log lines (database engine, cache, broker...). */
  product: { db: string; cache: string; queue: string; dns: string };
}

const TRAIN: Vocabulary = {
  domains: ['orders', 'payments', 'catalog', 'inventory', 'checkout', 'cart', 'shipping', 'search', 'reviews', 'accounts', 'recommendations', 'notifications', 'coupons', 'returns', 'media', 'profiles'],
  name(tier, domain, index) {
    const third = ['stripe-gateway', 'sendgrid-relay', 'twilio-bridge'];
    switch (tier) {
      case 'edge': return 'api-gateway';
      case 'api': return `${domain}-service`;
      case 'worker': return `${domain}-worker`;
      case 'cache': return `${domain}-redis`;
      case 'db': return `${domain}-postgres`;
      case 'queue': return 'events-kafka';
      case 'config': return 'config-service';
      case 'secrets': return 'vault';
      case 'auth': return 'auth-service';
      case 'dns': return 'coredns';
      case 'thirdparty': return third[index % third.length]!;
    }
  },
  team(tier, domain) {
    switch (tier) {
      case 'edge': case 'dns': return 'infra-team';
      case 'cache': case 'db': return 'database-team';
      case 'queue': return 'platform-team';
      case 'config': case 'secrets': case 'auth': return 'security-team';
      case 'thirdparty': return 'integrations-team';
      case 'api': case 'worker': return `${domain}-team`;
    }
  },
  product: { db: 'postgres', cache: 'redis', queue: 'kafka', dns: 'coredns' },
};

const TEST: Vocabulary = {
  domains: ['ledger', 'billing', 'fulfillment', 'quotes', 'wishlist', 'loyalty', 'booking', 'itinerary', 'claims', 'policies', 'underwriting', 'invoices', 'subscriptions', 'tickets', 'listings', 'messaging'],
  name(tier, domain, index) {
    const third = ['adyen-connector', 'mailgun-connector', 'plaid-connector'];
    switch (tier) {
      case 'edge': return 'edge-proxy';
      case 'api': return `${domain}-api`;
      case 'worker': return `${domain}-consumer`;
      case 'cache': return `${domain}-memcached`;
      case 'db': return `${domain}-mysql`;
      case 'queue': return 'jobs-rabbitmq';
      case 'config': return 'settings-store';
      case 'secrets': return 'secrets-manager';
      case 'auth': return 'identity-api';
      case 'dns': return 'internal-dns';
      case 'thirdparty': return third[index % third.length]!;
    }
  },
  team(tier, domain) {
    switch (tier) {
      case 'edge': case 'dns': return 'network-ops';
      case 'cache': case 'db': return 'data-reliability';
      case 'queue': return 'runtime-platform';
      case 'config': case 'secrets': case 'auth': return 'identity-sre';
      case 'thirdparty': return 'partner-engineering';
      case 'api': case 'worker': return `${domain}-squad`;
    }
  },
  product: { db: 'mysql', cache: 'memcached', queue: 'rabbitmq', dns: 'bind' },
};

export const VOCABULARY: Record<Split, Vocabulary> = { train: TRAIN, test: TEST };

/** Teams that own nothing in an incident but can still be paged (a realistic roster). */
export const EXTRA_TEAMS: Record<Split, readonly string[]> = {
  train: ['frontend-team', 'mobile-team'],
  test: ['web-squad', 'apps-squad'],
};

/**
 * Metric names where the held-out split's products name them differently (mysql, memcached,
 * rabbitmq); every other reading keeps its name in both splits.
 */
export const METRIC_NAMES: Record<Split, Partial<Record<Tier, Record<string, string>>>> = {
  train: {},
  test: {
    db: { connections_active: 'threads_connected', replication_lag_s: 'seconds_behind_source' },
    cache: { memory_used_pct: 'bytes_used_pct', evicted_keys_per_min: 'evictions_per_min', hit_ratio: 'get_hit_ratio' },
    queue: { queue_depth: 'messages_ready' },
    worker: { jobs_per_min: 'deliveries_acked_per_min' },
    api: { transactions_vs_last_week_pct: 'completed_orders_vs_last_week_pct', fallback_responses_per_min: 'degraded_responses_per_min', breakers_open: 'circuits_open' },
  },
};
