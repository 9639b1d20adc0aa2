import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisPresenceDirectory } from '../../src/cluster/presence-directory.ts';
import { unavailable } from '../helpers/services.ts';

// The presence directory has one implementation, on Redis (one process needs no directory).
describe.skipIf(unavailable('redis') !== undefined)('presence directory on Redis', () => {
  let redis: Redis;
  let cluster: string;
  let dir: RedisPresenceDirectory;

  beforeEach(() => {
    redis = new Redis(`${process.env.REDIS_URL}/7`);
    cluster = `presence-${randomBytes(4).toString('hex')}`;
    dir = new RedisPresenceDirectory(redis, cluster);
  });

  afterEach(async () => {
    const keys = await redis.keys(`${cluster}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('names the node of each online user, the latest one to claim it', async () => {
    await dir.set('ann', 'n1');
    await dir.set('bob', 'n1');
    await dir.set('ann', 'n2');
    expect(await dir.all()).toEqual(new Map([['ann', 'n2'], ['bob', 'n1']]));
  });

  it('lets a node clear only an entry that still names it', async () => {
    await dir.set('ann', 'n1');
    await dir.set('ann', 'n2');
    await dir.clearIf('ann', 'n1');
    expect(await dir.all()).toEqual(new Map([['ann', 'n2']]));
    await dir.clearIf('ann', 'n2');
    expect(await dir.all()).toEqual(new Map());
  });

  it('clears a dead node’s users, leaving those a live node took over', async () => {
    await dir.set('ann', 'dead');
    await dir.set('bob', 'dead');
    await dir.set('cid', 'live');
    await dir.set('bob', 'live');
    await dir.clearNode('dead');
    expect(await dir.all()).toEqual(new Map([['bob', 'live'], ['cid', 'live']]));
    expect(await redis.exists(`${cluster}:presence:node:dead`)).toBe(0);
  });

  it('keeps clusters that share one Redis apart', async () => {
    const other = new RedisPresenceDirectory(redis, `${cluster}:other`);
    await dir.set('ann', 'n1');
    await other.set('ann', 'm1');
    await other.clearNode('n1');
    expect(await dir.all()).toEqual(new Map([['ann', 'n1']]));
    expect(await other.all()).toEqual(new Map([['ann', 'm1']]));
  });
});
