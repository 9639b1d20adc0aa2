/**
 * Which accounts exist, for the checks on every send (an admin naming a sender, a group message's
 * From_Account), and their global mutes, for the checks on every client send. An account seen is
 * remembered for KNOWN_TTL_MS: a deletion on this node is seen at once (`forget`), one on another
 * node within that time (the deleted user's inbox actor refuses deliveries at once, wherever the
 * send came from); misses always ask the store. Mutes are kept `muteTtlMs`: a setnospeaking on
 * this node holds at once, one on another node within that window.
 */
import type { AccountStore } from '../../storage/store.ts';
import { isValidUserId } from '../protocol/ids.ts';

/** Accounts remembered; beyond it the oldest are forgotten and asked again. */
const MAX_KNOWN = 100_000;

/** How long an account seen to exist is taken to exist, ms. */
const KNOWN_TTL_MS = 60_000;

/** An account's global mutes: until when (Unix ms) it may not send C2C / group messages from the client. */
export interface AccountMutes {
  readonly c2cUntil: number;
  readonly groupUntil: number;
}

const NO_MUTES: AccountMutes = { c2cUntil: 0, groupUntil: 0 };

export class AccountDirectory {
  readonly #store: AccountStore;
  readonly #now: () => number;
  readonly #muteTtlMs: number;
  /** Ids known to exist → until when (Unix ms); insertion-ordered. */
  readonly #known = new Map<string, number>();
  /** Mutes read, with when the reading lapses; insertion-ordered. */
  readonly #mutes = new Map<string, { readonly mutes: AccountMutes; readonly until: number }>();

  constructor(store: AccountStore, o: { readonly now: () => number; readonly muteTtlMs: number }) {
    this.#store = store;
    this.#now = o.now;
    this.#muteTtlMs = o.muteTtlMs;
  }

  /** The user's mutes if this node holds a fresh reading; undefined = ask `mutes`. Synchronous, for the send path. */
  peekMutes(userId: string): AccountMutes | undefined {
    const hit = this.#mutes.get(userId);
    return hit && hit.until > this.#now() ? hit.mutes : undefined;
  }

  /** The user's global mutes (none for an unknown account), read at most once per `muteTtlMs`. */
  async mutes(userId: string): Promise<AccountMutes> {
    const now = this.#now();
    const hit = this.#mutes.get(userId);
    if (hit && hit.until > now) return hit.mutes;
    const a = (await this.#store.getAccounts([userId])).get(userId);
    const mutes = a ? { c2cUntil: a.c2cMutedUntil, groupUntil: a.groupMutedUntil } : NO_MUTES;
    this.#mutes.delete(userId);
    if (this.#mutes.size >= MAX_KNOWN) this.#mutes.delete(this.#mutes.keys().next().value as string);
    this.#mutes.set(userId, { mutes, until: now + this.#muteTtlMs });
    return mutes;
  }

  /** After this node changed the user's mutes: the next check reads them again. */
  forgetMutes(userId: string): void {
    this.#mutes.delete(userId);
  }

  /** After this node deleted the account: the next check asks the store. */
  forget(userId: string): void {
    this.#known.delete(userId);
    this.#mutes.delete(userId);
  }

  /**
   * The ids among `userIds` that do not exist, in their order. An id that is not a valid UserID
   * (ill-formed UTF-16, too long) cannot exist and never reaches the store, where it could be
   * mistaken for another (a lone surrogate becomes U+FFFD in UTF-8).
   */
  async missing(userIds: readonly string[]): Promise<string[]> {
    const now = this.#now();
    const unknown = userIds.filter((id) => !((this.#known.get(id) ?? 0) > now));
    if (unknown.length === 0) return [];
    const lookup = unknown.filter((id) => isValidUserId(id));
    const found = lookup.length > 0 ? await this.#store.getAccounts(lookup) : new Map<string, unknown>();
    for (const id of found.keys()) this.#remember(id, now + KNOWN_TTL_MS);
    return unknown.filter((id) => !found.has(id));
  }

  /** Whether this node knows the account exists now (no store read): true only for a fresh reading. */
  known(userId: string): boolean {
    return (this.#known.get(userId) ?? 0) > this.#now();
  }

  async exists(userId: string): Promise<boolean> {
    return (await this.missing([userId])).length === 0;
  }

  #remember(id: string, until: number): void {
    this.#known.delete(id);
    if (this.#known.size >= MAX_KNOWN) this.#known.delete(this.#known.keys().next().value as string);
    this.#known.set(id, until);
  }
}
