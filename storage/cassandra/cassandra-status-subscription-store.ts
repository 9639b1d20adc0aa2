/**
 * StatusSubscriptionStore on Cassandra: `status_subscriptions` (a partition per subscriber) and
 * `status_subscribers` (a partition per target), written together in logged batches so neither
 * table keeps a subscription the other lost.
 */
import type { StatusSubscription, StatusSubscriptionStore } from '../store.ts';
import { type Cql, num } from './cql.ts';

/** Statements per logged batch (two per subscription). */
const BATCH = 100;

export class CassandraStatusSubscriptionStore implements StatusSubscriptionStore {
  readonly #cql: Cql;
  readonly #q: { put: string; putBack: string; drop: string; dropBack: string; of: string; subscribers: string };

  constructor(cql: Cql) {
    this.#cql = cql;
    const ks = cql.keyspace;
    this.#q = {
      put: `INSERT INTO ${ks}.status_subscriptions (subscriber, target, time) VALUES (?, ?, ?)`,
      putBack: `INSERT INTO ${ks}.status_subscribers (target, subscriber) VALUES (?, ?)`,
      drop: `DELETE FROM ${ks}.status_subscriptions WHERE subscriber = ? AND target = ?`,
      dropBack: `DELETE FROM ${ks}.status_subscribers WHERE target = ? AND subscriber = ?`,
      of: `SELECT target, time FROM ${ks}.status_subscriptions WHERE subscriber = ?`,
      subscribers: `SELECT subscriber FROM ${ks}.status_subscribers WHERE target = ?`,
    };
  }

  async subscribe(subscriber: string, targets: readonly string[], time: number): Promise<void> {
    await this.#batch(targets.flatMap((t) => [
      { query: this.#q.put, params: [subscriber, t, time] },
      { query: this.#q.putBack, params: [t, subscriber] },
    ]));
  }

  async unsubscribe(subscriber: string, targets: readonly string[]): Promise<void> {
    await this.#batch(targets.flatMap((t) => [
      { query: this.#q.drop, params: [subscriber, t] },
      { query: this.#q.dropBack, params: [t, subscriber] },
    ]));
  }

  async subscriptionsOf(subscriber: string): Promise<StatusSubscription[]> {
    const out: StatusSubscription[] = [];
    for await (const r of await this.#cql.paged(this.#q.of, [subscriber])) out.push({ target: r.get('target') as string, time: num(r.get('time')) });
    return out.sort((a, b) => a.time - b.time || (a.target < b.target ? -1 : 1));
  }

  async subscribersOf(target: string): Promise<string[]> {
    const out: string[] = [];
    for await (const r of await this.#cql.paged(this.#q.subscribers, [target])) out.push(r.get('subscriber') as string);
    return out;
  }

  async #batch(queries: { query: string; params: unknown[] }[]): Promise<void> {
    const o = this.#cql.options;
    for (let i = 0; i < queries.length; i += BATCH) {
      await this.#cql.client.batch(queries.slice(i, i + BATCH), { prepare: true, logged: true, consistency: o.consistency, isIdempotent: true });
    }
  }
}
