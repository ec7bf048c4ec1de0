/** Per-client session quota: how many sessions one client address holds at once. */
export interface ClientQuota {
  acquire(client: string): boolean;
  release(client: string): void;
  held(client: string): number;
  readonly limit: number;
}

export function createClientQuota(limit: number): ClientQuota {
  const held = new Map<string, number>();
  return {
    limit,
    acquire(client) {
      const n = held.get(client) ?? 0;
      if (n >= limit) return false;
      held.set(client, n + 1);
      return true;
    },
    release(client) {
      const n = held.get(client) ?? 0;
      if (n <= 1) held.delete(client);
      else held.set(client, n - 1);
    },
    held: (client) => held.get(client) ?? 0,
  };
}
