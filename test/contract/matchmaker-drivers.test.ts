import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { IndexedLocalDriver } from '../../src/cluster/indexed-local-driver.ts';
import { SingleActivationRedisDriver } from '../../src/cluster/single-activation-driver.ts';
import { unavailable } from '../helpers/services.ts';
import { describe, expect, it } from 'vitest';
import { listing, runDriverContract } from './matchmaker-driver-contract.ts';

runDriverContract({
  name: 'in-process (indexed local)',
  create: async () => ({ driver: new IndexedLocalDriver(), close: async () => undefined }),
});

runDriverContract({
  name: 'Redis (single activation)',
  unavailable: () => unavailable('redis'),
  create: async (self) => {
    const redis = new Redis(`${process.env.REDIS_URL}/7`);
    const cluster = `contract-${randomBytes(4).toString('hex')}`;
    return {
      driver: new SingleActivationRedisDriver(redis, cluster, () => self),
      close: async () => {
        const keys = await redis.keys(`${cluster}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      },
    };
  },
});

// Only a shared driver has listings of other processes (in-process, one process owns them all).
describe.skipIf(unavailable('redis') !== undefined)('Redis matchmaker driver: owners', () => {
  it('leaves alone a listing another process owns: no update, no removal', async () => {
    const redis = new Redis(`${process.env.REDIS_URL}/7`);
    const cluster = `contract-${randomBytes(4).toString('hex')}`;
    const driver = new SingleActivationRedisDriver(redis, cluster, () => 'process-self');
    try {
      await driver.persist(listing('foreign', 'process-other'), true);
      expect(await driver.update(listing('foreign'), { $set: { clients: 5 } })).toBe(false);
      expect(await driver.remove('foreign')).toBe(false);
      expect(await driver.findOne({ roomId: 'foreign' })).toMatchObject({ processId: 'process-other', clients: 0 });
    } finally {
      await redis.del(`${cluster}:roomcaches`, `${cluster}:roomcaches:process:process-other`);
      redis.disconnect();
    }
  });
});
