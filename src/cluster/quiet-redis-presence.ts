/**
 * RedisPresence that does not crash the process on shutdown: Colyseus 0.18 leaves an UNSUBSCRIBE
 * un-awaited during graceful shutdown and quits both connections without handling a refusal, so a
 * connection already broken turns into an unhandled rejection. Shutdown failures here only mean the
 * connection is already gone.
 */
import { RedisPresence } from '@colyseus/redis-presence';

export class QuietRedisPresence extends RedisPresence {
  override async unsubscribe(topic: string, callback?: (...args: unknown[]) => void): Promise<this> {
    try {
      return (await super.unsubscribe(topic, callback)) as this;
    } catch {
      return this;
    }
  }

  override shutdown(): void {
    this.sub.quit().catch(() => undefined);
    this.pub.quit().catch(() => undefined);
  }
}
