/**
 * Which accounts exist, for the checks on every send (an admin naming a sender, a group message's
 * From_Account). Existence is cached once seen: accounts are only created here (there is no account
 * deletion yet), so a positive answer cannot go stale; misses always ask the store.
 */
import type { AccountStore } from '../../storage/store.ts';
import { isValidUserId } from '../protocol/ids.ts';

/** Accounts remembered; beyond it the oldest are forgotten and asked again. */
const MAX_KNOWN = 100_000;

export class AccountDirectory {
  readonly #store: AccountStore;
  /** Insertion-ordered set of ids known to exist. */
  readonly #known = new Set<string>();

  constructor(store: AccountStore) {
    this.#store = store;
  }

  /**
   * The ids among `userIds` that do not exist, in their order. An id that is not a valid UserID
   * (ill-formed UTF-16, too long) cannot exist and never reaches the store, where it could be
   * mistaken for another (a lone surrogate becomes U+FFFD in UTF-8).
   */
  async missing(userIds: readonly string[]): Promise<string[]> {
    const unknown = userIds.filter((id) => !this.#known.has(id));
    if (unknown.length === 0) return [];
    const lookup = unknown.filter((id) => isValidUserId(id));
    const found = lookup.length > 0 ? await this.#store.getAccounts(lookup) : new Map<string, unknown>();
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
