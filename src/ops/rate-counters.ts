/**
 * Call counters in one-second windows, for rate limits that hold across the cluster (issue 19):
 * each call counts under its keys, and the answer says whether each key stayed within its limit
 * in the current second. In one process a map; in a cluster Redis (one pipelined round trip of
 * INCR + PEXPIRE per call), so N nodes together allow what one would. Windows are fixed (Unix
 * seconds): a burst across a boundary may see up to twice a limit within one second's span.
 */
import type { Redis } from 'ioredis';

export interface RateKey {
  readonly key: string;
  /** Calls allowed per second under the key. */
  readonly limit: number;
}

export interface RateCounters {
  /** Counts one call under each key at `nowMs`; for each key, whether it is within its limit (a call over it still counts). */
  take(keys: readonly RateKey[], nowMs: number): Promise<boolean[]>;
}

/** In-process counters: the current second's count per key (bounded by the keys in use). */
export class LocalRateCounters implements RateCounters {
  readonly #windows = new Map<string, { second: number; count: number }>();

  async take(keys: readonly RateKey[], nowMs: number): Promise<boolean[]> {
    const second = Math.floor(nowMs / 1000);
    return keys.map(({ key, limit }) => {
      let w = this.#windows.get(key);
      if (!w || w.second !== second) this.#windows.set(key, (w = { second, count: 0 }));
      return ++w.count <= limit;
    });
  }
}

/** Cluster-wide counters in Redis: `<cluster>:rate:<key>:<second>`, gone two seconds after their window. */
export class RedisRateCounters implements RateCounters {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, clusterName: string) {
    this.#redis = redis;
    this.#prefix = `${clusterName}:rate:`;
  }

  async take(keys: readonly RateKey[], nowMs: number): Promise<boolean[]> {
    const second = Math.floor(nowMs / 1000);
    const pipe = this.#redis.pipeline();
    for (const { key } of keys) pipe.incr(`${this.#prefix}${key}:${second}`).pexpire(`${this.#prefix}${key}:${second}`, 2000);
    const out = (await pipe.exec()) ?? [];
    return keys.map(({ limit }, i) => {
      const [err, count] = out[i * 2] ?? [new Error('no answer'), 0];
      if (err) throw err;
      return Number(count) <= limit;
    });
  }
}
