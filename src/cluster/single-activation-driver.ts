/**
 * A Colyseus Redis driver that keeps one listing per room id (notes/colyseus.md §2): `insert` is
 * atomic (HSETNX), a listing is updated or removed only by the process it names, and each process's
 * listings are indexed so cleaning up a dead process does not scan every room in the cluster.
 */
import { type IRoomCache, matchMaker } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import type { Redis } from 'ioredis';

const ROOMCACHES = 'roomcaches';
const byProcess = (processId: string): string => `roomcaches:process:${processId}`;

/** Updates the listing only if it still belongs to ARGV[3] (its processId). */
const UPDATE_IF_OWNER = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
if cjson.decode(cur)['processId'] ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** Removes listings (ARGV) only where they belong to ARGV[1]'s process; then drops them from its index. */
const REMOVE_IF_OWNER = `
local n = 0
for i = 2, #ARGV do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if cur and cjson.decode(cur)['processId'] == ARGV[1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
  redis.call('SREM', KEYS[2], ARGV[i])
end
return n`;

export class SingleActivationRedisDriver extends RedisDriver {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    super(redis);
    this.#redis = redis;
  }

  async insert(room: IRoomCache): Promise<boolean> {
    const won = (await this.#redis.hsetnx(ROOMCACHES, room.roomId, JSON.stringify(room))) === 1;
    if (won) await this.#redis.sadd(byProcess(room.processId), room.roomId);
    return won;
  }

  override async persist(room: IRoomCache, create = false): Promise<boolean> {
    if (create) return this.insert(room);
    return (await this.#redis.eval(UPDATE_IF_OWNER, 1, ROOMCACHES, room.roomId, JSON.stringify(room), room.processId)) === 1;
  }

  override async update(room: IRoomCache, operations: Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>): Promise<boolean> {
    for (const [field, value] of Object.entries(operations.$set ?? {})) (room as unknown as Record<string, unknown>)[field] = value;
    for (const [field, value] of Object.entries(operations.$inc ?? {})) (room as unknown as Record<string, number>)[field] += value as number;
    return this.persist(room);
  }

  override async remove(roomId: string): Promise<boolean> {
    const processId = matchMaker.processId;
    return (await this.#redis.eval(REMOVE_IF_OWNER, 2, ROOMCACHES, byProcess(processId), processId, roomId)) === 1;
  }

  /** The Redis connection belongs to the node, which closes it after Colyseus has shut down. */
  override async shutdown(): Promise<void> {}

  override async cleanup(processId: string): Promise<void> {
    const ids = await this.#redis.smembers(byProcess(processId));
    for (let i = 0; i < ids.length; i += 500) {
      await this.#redis.eval(REMOVE_IF_OWNER, 2, ROOMCACHES, byProcess(processId), processId, ...ids.slice(i, i + 500));
    }
  }
}
