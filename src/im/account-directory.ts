/**
 * Which accounts exist, for the checks on every send (an admin naming a sender, a group message's
 * From_Account). Existence is cached once seen: accounts are only created here (there is no account
 * deletion yet), so a positive answer cannot go stale; misses always ask the store.
 */
import type { AccountStore } from '../../storage/store.ts';

/** Accounts remembered; beyond it the oldest are forgotten and asked again. */
const MAX_KNOWN = 100_000;

export class AccountDirectory {
  readonly #store: AccountStore;
  /** Insertion-ordered set of ids known to exist. */
  readonly #known = new Set<string>();

  constructor(store: AccountStore) {
    this.#store = store;
  }

  /** The ids among `userIds` that do not exist. */
  async missing(userIds: readonly string[]): Promise<string[]> {
    const unknown = userIds.filter((id) => !this.#known.has(id));
    if (unknown.length === 0) return [];
    const found = await this.#store.getAccounts(unknown);
    for (const id of found.keys()) this.#remember(id);
    return unknown.filter((id) => !found.has(id));
  }

  async exists(userId: string): Promise<boolean> {
    return (await this.missing([userId])).length === 0;
  }

  #remember(id: string): void {
    if (this.#known.size >= MAX_KNOWN) this.#known.delete(this.#known.values().next().value as string);
    this.#known.add(id);
  }
}
