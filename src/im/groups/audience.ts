/**
 * The live audience of an AVChatRoom: the users who joined it from a client during this activation
 * of the group's actor (userId → since, Unix ms). Tencent keeps no member list for the type and
 * has every user, the owner too, join through the SDK in each session; so the audience lives in the
 * actor's memory only, is empty after an actor move or restart, and clients join again (the SDK
 * does so by itself after it reconnects). The rules bound it by the group's MaxMemberNum.
 *
 * Joins and leaves are also kept as news, announced in batches (`takeNews`) so that a crowd joining
 * a large room costs one tip push and one event per batch, not one per user.
 */

/** Why a user left the audience: they quit (`group.quit`), or their last device went offline. */
export type AudienceLeaveReason = 'quit' | 'offline';

export interface AudienceNews {
  /** Users who joined since the last batch and are still in. */
  readonly joined: readonly string[];
  /** Users who left since the last batch (and did not come back), with why. */
  readonly left: readonly { readonly userId: string; readonly reason: AudienceLeaveReason }[];
}

export class Audience {
  /** Bounded by the group's MaxMemberNum (checked before `add`). */
  readonly #since = new Map<string, number>();
  /** News since the last batch; bounded by the audience plus those who left within one batch window. */
  readonly #joined = new Set<string>();
  readonly #left = new Map<string, AudienceLeaveReason>();
  readonly #newsDue: () => void;

  /** `newsDue` is called when news arrives after a batch was taken (the owner then takes the next batch later). */
  constructor(newsDue: () => void) {
    this.#newsDue = newsDue;
  }

  get size(): number {
    return this.#since.size;
  }

  has(userId: string): boolean {
    return this.#since.has(userId);
  }

  /** The users in the audience now. */
  users(): IterableIterator<string> {
    return this.#since.keys();
  }

  /** No one is in and nothing is left to announce: the actor may passivate. */
  get idle(): boolean {
    return this.#since.size === 0 && !this.#hasNews;
  }

  /** Adds `userId`; false if they were in already (nothing changes). */
  add(userId: string, now: number): boolean {
    if (this.#since.has(userId)) return false;
    this.#since.set(userId, now);
    this.#note(() => {
      // Left and came back within one batch: nothing to announce.
      if (!this.#left.delete(userId)) this.#joined.add(userId);
    });
    return true;
  }

  /** Removes `userId`; false if they were not in. */
  remove(userId: string, reason: AudienceLeaveReason): boolean {
    if (!this.#since.delete(userId)) return false;
    this.#note(() => {
      // Joined and left within one batch: nothing to announce.
      if (!this.#joined.delete(userId)) this.#left.set(userId, reason);
    });
    return true;
  }

  /** Everyone leaves without news (the group is gone). */
  clear(): void {
    this.#since.clear();
    this.#joined.clear();
    this.#left.clear();
  }

  /** The news since the last batch, now cleared. */
  takeNews(): AudienceNews {
    const news: AudienceNews = { joined: [...this.#joined], left: [...this.#left].map(([userId, reason]) => ({ userId, reason })) };
    this.#joined.clear();
    this.#left.clear();
    return news;
  }

  get #hasNews(): boolean {
    return this.#joined.size > 0 || this.#left.size > 0;
  }

  #note(change: () => void): void {
    const had = this.#hasNews;
    change();
    if (!had && this.#hasNews) this.#newsDue();
  }
}

/** `members` followed by the audience: whom a live push reaches (an AVChatRoom has no member rows, so no one twice). */
export function* withAudience(members: Iterable<string>, audience: Audience): Iterable<string> {
  yield* members;
  yield* audience.users();
}
