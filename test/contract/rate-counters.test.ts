/**
 * One contract for the rate counters (src/ops/rate-counters.ts): in process, and on Redis, where
 * two counters (two nodes) share one count. Time is given, so windows are exact.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalRateCounters, type RateCounters, RedisRateCounters } from '../../src/ops/rate-counters.ts';
import { unavailable } from '../helpers/services.ts';

const T = 1_800_000_000_000; // a whole second

function contract(name: string, make: () => { a: RateCounters; b: RateCounters; shared: boolean }) {
  describe(`rate counters (${name})`, () => {
    it('allows `limit` calls a second per key, counts each key apart, and starts again each second', async () => {
      const { a } = make();
      const key = (k: string) => ({ key: k, limit: 3 });
      const got: boolean[][] = [];
      for (let i = 0; i < 5; i++) got.push(await a.take([key('x'), key('y')], T + i * 100));
      expect(got.map((g) => g[0])).toEqual([true, true, true, false, false]);
      expect(got.map((g) => g[1])).toEqual([true, true, true, false, false]);
      expect(await a.take([key('z')], T + 900)).toEqual([true]);
      expect(await a.take([key('x')], T + 1000)).toEqual([true]);
    });

    it('answers each key against its own limit in one call', async () => {
      const { a } = make();
      expect(await a.take([{ key: 'one', limit: 1 }, { key: 'two', limit: 2 }], T)).toEqual([true, true]);
      expect(await a.take([{ key: 'one', limit: 1 }, { key: 'two', limit: 2 }], T + 1)).toEqual([false, true]);
      expect(await a.take([{ key: 'one', limit: 1 }, { key: 'two', limit: 2 }], T + 2)).toEqual([false, false]);
    });

    it('shares the count between counters of one cluster (Redis), or keeps it per process', async () => {
      const { a, b, shared } = make();
      expect(await a.take([{ key: 'k', limit: 2 }], T)).toEqual([true]);
      expect(await b.take([{ key: 'k', limit: 2 }], T)).toEqual([true]);
      expect(await b.take([{ key: 'k', limit: 2 }], T)).toEqual([!shared]);
    });
  });
}

contract('in process', () => ({ a: new LocalRateCounters(), b: new LocalRateCounters(), shared: false }));

describe.skipIf(unavailable('redis') !== undefined)('on Redis', () => {
  const redis = unavailable('redis') === undefined ? new Redis(`${process.env.REDIS_URL}/7`) : undefined;
  const clusters: string[] = [];
  afterAll(async () => {
    for (const c of clusters) {
      const keys = await redis!.keys(`${c}:*`);
      if (keys.length > 0) await redis!.del(...keys);
    }
    redis?.disconnect();
  });
  contract('Redis', () => {
    const cluster = `rates-${randomBytes(4).toString('hex')}`;
    clusters.push(cluster);
    return { a: new RedisRateCounters(redis!, cluster), b: new RedisRateCounters(redis!, cluster), shared: true };
  });
});
