/**
 * Where each online user's inbox is hosted: userId → nodeId, shared by the cluster (a Redis hash),
 * with a per-node set so a dead node's entries can be removed. Writes are compare-and-delete, so a
 * node going offline never erases the entry a newer node wrote for the same user.
 */
import type { Redis } from 'ioredis';

export interface PresenceDirectory {
  set(userId: string, node: string): Promise<void>;
  /** Removes the entry only if it still names `node`. */
  clearIf(userId: string, node: string): Promise<void>;
  /** Every entry (read once when a node starts). */
  all(): Promise<Map<string, string>>;
  /** Removes every entry of a dead node. */
  clearNode(node: string): Promise<void>;
}


const CLEAR_IF = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;

const CLEAR_NODE = `
local users = redis.call('SMEMBERS', KEYS[2])
for _, u in ipairs(users) do
  if redis.call('HGET', KEYS[1], u) == ARGV[1] then redis.call('HDEL', KEYS[1], u) end
end
redis.call('DEL', KEYS[2])
return #users`;

export class RedisPresenceDirectory implements PresenceDirectory {
  readonly #redis: Redis;
  readonly #hash: string;
  readonly #ns: string;

  /** Keys are prefixed with the cluster name, so clusters can share one Redis. */
  constructor(redis: Redis, clusterName: string) {
    this.#redis = redis;
    this.#ns = clusterName;
    this.#hash = `${clusterName}:presence`;
  }

  #nodeSet(node: string): string {
    return `${this.#ns}:presence:node:${node}`;
  }

  async set(userId: string, node: string): Promise<void> {
    await this.#redis.multi().hset(this.#hash, userId, node).sadd(this.#nodeSet(node), userId).exec();
  }

  async clearIf(userId: string, node: string): Promise<void> {
    await this.#redis.eval(CLEAR_IF, 2, this.#hash, this.#nodeSet(node), userId, node);
  }

  async all(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.#redis.hgetall(this.#hash)));
  }

  async clearNode(node: string): Promise<void> {
    await this.#redis.eval(CLEAR_NODE, 2, this.#hash, this.#nodeSet(node), node);
  }
}
