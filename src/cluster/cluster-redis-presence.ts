/**
 * Colyseus' Redis presence for one Parley cluster: every key and channel Colyseus uses (room
 * channels, process channels, `roomcount`, `swept:<process>`…) lives under `<cluster>:`, so two
 * clusters can share one Redis. It also does not crash the process on shutdown: Colyseus 0.18 leaves
 * an UNSUBSCRIBE un-awaited during graceful shutdown and quits both connections without handling a
 * refusal, so a connection already broken turns into an unhandled rejection; shutdown failures here
 * only mean the connection is already gone.
 */
import { RedisPresence } from '@colyseus/redis-presence';

type Callback = (...args: unknown[]) => void;

export class ClusterRedisPresence extends RedisPresence {
  readonly #prefix: string;

  constructor(url: string, clusterName: string) {
    super(url);
    this.#prefix = `${clusterName}:`;
  }

  #k(key: string): string {
    return this.#prefix + key;
  }

  override subscribe(topic: string, callback: Callback): Promise<this> {
    return super.subscribe(this.#k(topic), callback) as Promise<this>;
  }

  override async unsubscribe(topic: string, callback?: Callback): Promise<this> {
    try {
      return (await super.unsubscribe(this.#k(topic), callback)) as this;
    } catch {
      return this;
    }
  }

  override async channels(pattern = '*'): Promise<string[]> {
    return (await super.channels(this.#k(pattern))).map((c) => c.slice(this.#prefix.length));
  }

  override publish(topic: string, data: unknown): Promise<void> {
    return super.publish(this.#k(topic), data);
  }

  override exists(key: string): Promise<boolean> {
    return super.exists(this.#k(key));
  }

  override set(key: string, value: string) {
    return super.set(this.#k(key), value);
  }

  override setex(key: string, value: string, seconds: number) {
    return super.setex(this.#k(key), value, seconds);
  }

  override expire(key: string, seconds: number) {
    return super.expire(this.#k(key), seconds);
  }

  override get(key: string) {
    return super.get(this.#k(key));
  }

  override del(key: string) {
    return super.del(this.#k(key));
  }

  override sadd(key: string, value: unknown) {
    return super.sadd(this.#k(key), value);
  }

  override smembers(key: string): Promise<string[]> {
    return super.smembers(this.#k(key));
  }

  override sismember(key: string, field: string) {
    return super.sismember(this.#k(key), field);
  }

  override srem(key: string, value: unknown) {
    return super.srem(this.#k(key), value);
  }

  override scard(key: string) {
    return super.scard(this.#k(key));
  }

  override sinter(...keys: string[]): Promise<string[]> {
    return super.sinter(...keys.map((k) => this.#k(k)));
  }

  override hset(key: string, field: string, value: string): Promise<boolean> {
    return super.hset(this.#k(key), field, value);
  }

  override hincrby(key: string, field: string, value: number): Promise<number> {
    return super.hincrby(this.#k(key), field, value);
  }

  override hincrbyex(key: string, field: string, value: number, expireInSeconds: number): Promise<number> {
    return super.hincrbyex(this.#k(key), field, value, expireInSeconds);
  }

  override hget(key: string, field: string) {
    return super.hget(this.#k(key), field);
  }

  override hgetall(key: string): Promise<{ [key: string]: string }> {
    return super.hgetall(this.#k(key));
  }

  override hdel(key: string, field: string): Promise<boolean> {
    return super.hdel(this.#k(key), field);
  }

  override hlen(key: string): Promise<number> {
    return super.hlen(this.#k(key));
  }

  override incr(key: string): Promise<number> {
    return super.incr(this.#k(key));
  }

  override decr(key: string): Promise<number> {
    return super.decr(this.#k(key));
  }

  override llen(key: string): Promise<number> {
    return super.llen(this.#k(key));
  }

  override rpush(key: string, ...values: string[]): Promise<number> {
    return super.rpush(this.#k(key), ...values);
  }

  override lpush(key: string, ...values: string[]): Promise<number> {
    return super.lpush(this.#k(key), ...values);
  }

  override rpop(key: string): Promise<string | null> {
    return super.rpop(this.#k(key));
  }

  override lpop(key: string): Promise<string | null> {
    return super.lpop(this.#k(key));
  }

  override async brpop(...args: [...keys: string[], timeoutInSeconds: number]): Promise<[string, string] | null> {
    const timeout = args[args.length - 1] as number;
    const keys = (args.slice(0, -1) as string[]).map((k) => this.#k(k));
    const popped = await super.brpop(...keys, timeout);
    return popped ? [popped[0].slice(this.#prefix.length), popped[1]] : null;
  }

  override shutdown(): void {
    this.sub.quit().catch(() => undefined);
    this.pub.quit().catch(() => undefined);
  }
}
