import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { IndexedLocalDriver } from '../../src/cluster/indexed-local-driver.ts';
import { SingleActivationRedisDriver } from '../../src/cluster/single-activation-driver.ts';
import { unavailable } from '../helpers/services.ts';
import { runDriverContract } from './matchmaker-driver-contract.ts';

runDriverContract({
  name: 'in-process (indexed local)',
  create: async () => ({ driver: new IndexedLocalDriver(), close: async () => undefined }),
  singleProcess: 'one process owns every listing of the in-process driver',
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
