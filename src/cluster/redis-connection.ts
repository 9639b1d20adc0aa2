/** The Redis connection (ioredis): connects at start with a timeout, and answers PING for /health. */
import { Redis } from 'ioredis';
import { DependencyUnavailableError, withTimeout } from '../ops/dependency.ts';

export interface RedisConnection {
  readonly redis: Redis;
  health(): Promise<void>;
  close(): Promise<void>;
}

export async function connectRedis(url: string, timeoutMs: number): Promise<RedisConnection> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', () => undefined); // reported through health(); ioredis reconnects on its own
  try {
    await withTimeout(redis.connect(), timeoutMs, 'connect');
    await withTimeout(redis.ping(), timeoutMs, 'PING');
  } catch (e) {
    redis.disconnect();
    throw new DependencyUnavailableError(`Redis at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  return {
    redis,
    async health() {
      const pong = await withTimeout(redis.ping(), 3000, 'PING');
      if (pong !== 'PONG') throw new Error(`unexpected PING answer ${pong}`);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
