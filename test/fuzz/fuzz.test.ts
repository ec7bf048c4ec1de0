import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../helpers/server.js';
import { HTTP_TARGETS, fuzzHttp, fuzzWs, prepare } from './targets.js';

// A quick sample; `npm run fuzz` runs 10,000+ cases per target.
const RUNS = 120;
let s: Awaited<ReturnType<typeof listening>>;
beforeAll(async () => {
  s = await listening();
  await prepare(s);
});
afterAll(async () => {
  await s.app.close();
});

describe('fuzz sample: no 5xx, every rejection explained, no state change, no prototype pollution', () => {
  for (const name of Object.keys(HTTP_TARGETS)) {
    it(name, async () => {
      const stats = await fuzzHttp(s, name, RUNS);
      expect(stats.violations).toEqual([]);
      expect(stats.serverErrors).toBe(0);
      expect(stats.cases).toBe(RUNS);
    });
  }
  it('WebSocket /ws frames', async () => {
    const stats = await fuzzWs(s.url, '/ws', RUNS);
    expect(stats.violations).toEqual([]);
    expect(stats.cases).toBe(RUNS);
  });
  it('WebSocket /mcp frames', async () => {
    const stats = await fuzzWs(s.url, '/mcp', RUNS);
    expect(stats.violations).toEqual([]);
  });
});
