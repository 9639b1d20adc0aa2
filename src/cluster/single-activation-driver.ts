/**
 * A Colyseus matchmaker driver on Redis that keeps one listing per room id (notes/colyseus.md §2):
 * `insert` is atomic (HSETNX), a listing is updated or removed only by the process it names, and
 * each process's listings are indexed so cleaning up a dead process does not scan every room in the
 * cluster. Every key lives under the cluster's prefix (`<cluster>:roomcaches`,
 * `<cluster>:roomcaches:process:<id>`), so clusters can share one Redis.
 */
import { type IRoomCache, type MatchMakerDriver, type SortOptions, initializeRoomCache } from '@colyseus/core';
import type { Redis } from 'ioredis';

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

type Conditions = Partial<IRoomCache> & Record<string, unknown>;

/** The Redis hash of a cluster's room listings (tests and benchmarks read it to see where a room lives). */
export const roomListingsKey = (clusterName: string): string => `${clusterName}:roomcaches`;

export class SingleActivationRedisDriver implements MatchMakerDriver {
  readonly #redis: Redis;
  readonly #listings: string;
  readonly #prefix: string;
  readonly #processId: () => string;

  /** `processId` names this process (Colyseus' processId, known once the matchmaker is set up). */
  constructor(redis: Redis, clusterName: string, processId: () => string) {
    this.#redis = redis;
    this.#prefix = clusterName;
    this.#listings = roomListingsKey(clusterName);
    this.#processId = processId;
  }

  #byProcess(processId: string): string {
    return `${this.#prefix}:roomcaches:process:${processId}`;
  }

  async has(roomId: string): Promise<boolean> {
    return (await this.#redis.hexists(this.#listings, roomId)) === 1;
  }

  async insert(room: IRoomCache): Promise<boolean> {
    const won = (await this.#redis.hsetnx(this.#listings, room.roomId, JSON.stringify(room))) === 1;
    if (won) await this.#redis.sadd(this.#byProcess(room.processId), room.roomId);
    return won;
  }

  async persist(room: IRoomCache, create = false): Promise<boolean> {
    if (create) return this.insert(room);
    return (await this.#redis.eval(UPDATE_IF_OWNER, 1, this.#listings, room.roomId, JSON.stringify(room), room.processId)) === 1;
  }

  async update(room: IRoomCache, operations: Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>): Promise<boolean> {
    for (const [field, value] of Object.entries(operations.$set ?? {})) (room as unknown as Record<string, unknown>)[field] = value;
    for (const [field, value] of Object.entries(operations.$inc ?? {})) (room as unknown as Record<string, number>)[field] += value as number;
    return this.persist(room);
  }

  async remove(roomId: string): Promise<boolean> {
    const processId = this.#processId();
    return (await this.#redis.eval(REMOVE_IF_OWNER, 2, this.#listings, this.#byProcess(processId), processId, roomId)) === 1;
  }

  async findByIds(roomIds: string[]): Promise<Map<string, IRoomCache>> {
    const found = new Map<string, IRoomCache>();
    if (roomIds.length === 0) return found;
    const values = await this.#redis.hmget(this.#listings, ...roomIds);
    values.forEach((raw, i) => {
      if (raw) found.set(roomIds[i], initializeRoomCache(JSON.parse(raw)));
    });
    return found;
  }

  /** By id: one HGET. Any other query scans every listing (Parley never makes one on a hot path). */
  async findOne(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache> {
    if (typeof conditions.roomId === 'string') {
      const raw = await this.#redis.hget(this.#listings, conditions.roomId);
      return (raw ? initializeRoomCache(JSON.parse(raw)) : undefined) as IRoomCache;
    }
    return (await this.query(conditions, sortOptions))[0];
  }

  async query(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    const all = Object.values(await this.#redis.hgetall(this.#listings)).map((raw) => initializeRoomCache(JSON.parse(raw)) as IRoomCache);
    const matching = all.filter((room) => Object.entries(conditions).every(([k, v]) => v === undefined || (room as unknown as Record<string, unknown>)[k] === v));
    for (const [field, dir] of Object.entries(sortOptions ?? {}).reverse()) {
      const sign = dir === 'desc' || dir === 'descending' || dir === -1 ? -1 : 1;
      matching.sort((a, b) => sign * (Number((a as unknown as Record<string, unknown>)[field]) - Number((b as unknown as Record<string, unknown>)[field])));
    }
    return matching;
  }

  async cleanup(processId: string): Promise<void> {
    const ids = await this.#redis.smembers(this.#byProcess(processId));
    for (let i = 0; i < ids.length; i += 500) {
      await this.#redis.eval(REMOVE_IF_OWNER, 2, this.#listings, this.#byProcess(processId), processId, ...ids.slice(i, i + 500));
    }
  }

  /** Forgets every listing of the cluster (Colyseus calls it only in its own test setups). */
  async clear(): Promise<void> {
    await this.#redis.del(this.#listings);
  }

  /** The Redis connection belongs to the node, which closes it after Colyseus has shut down. */
  async shutdown(): Promise<void> {}
}
