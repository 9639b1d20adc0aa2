/** StatusSubscriptionStore on SQLite: `status_subscriptions`, keyed by subscriber, indexed by target. */
import type { Database, Statement } from 'better-sqlite3';
import type { StatusSubscription, StatusSubscriptionStore } from '../store.ts';

export class SqliteStatusSubscriptionStore implements StatusSubscriptionStore {
  readonly #subscribe: (subscriber: string, targets: readonly string[], time: number) => void;
  readonly #unsubscribe: (subscriber: string, targets: readonly string[]) => void;
  readonly #of: Statement<[string], StatusSubscription>;
  readonly #subscribers: Statement<[string], { subscriber: string }>;

  constructor(db: Database) {
    const put = db.prepare('INSERT OR REPLACE INTO status_subscriptions (subscriber, target, time) VALUES (?, ?, ?)');
    const drop = db.prepare('DELETE FROM status_subscriptions WHERE subscriber = ? AND target = ?');
    this.#subscribe = db.transaction((subscriber: string, targets: readonly string[], time: number) => {
      for (const t of targets) put.run(subscriber, t, time);
    });
    this.#unsubscribe = db.transaction((subscriber: string, targets: readonly string[]) => {
      for (const t of targets) drop.run(subscriber, t);
    });
    this.#of = db.prepare('SELECT target, time FROM status_subscriptions WHERE subscriber = ? ORDER BY time, target');
    this.#subscribers = db.prepare('SELECT subscriber FROM status_subscriptions WHERE target = ? ORDER BY subscriber');
  }

  async subscribe(subscriber: string, targets: readonly string[], time: number): Promise<void> {
    this.#subscribe(subscriber, targets, time);
  }

  async unsubscribe(subscriber: string, targets: readonly string[]): Promise<void> {
    this.#unsubscribe(subscriber, targets);
  }

  async subscriptionsOf(subscriber: string): Promise<StatusSubscription[]> {
    return this.#of.all(subscriber);
  }

  async subscribersOf(target: string): Promise<string[]> {
    return this.#subscribers.all(target).map((r) => r.subscriber);
  }
}
