/**
 * What a client C2C send from S to R must know of the relationship chain (c2c-permission.ts): is S
 * in R's blacklist, and — where the app lets only friends chat — who has whom. Answers are kept for
 * `ttlMs` per pair, so a conversation's messages read the store once per window, not per message;
 * writes of this node forget the pairs they touch at once, other nodes' within the window.
 */
import { pairKey } from '../../../storage/store.ts';
import type { RelationStore } from '../../../storage/store.ts';

/** What the send check needs of the pair (S, R). */
export interface PairRelations {
  readonly receiverBlacklistsSender: boolean;
  readonly senderHasReceiver: boolean;
  readonly receiverHasSender: boolean;
}

interface Cached {
  readonly value: PairRelations;
  readonly until: number;
}

/** Pairs remembered at most; the oldest are forgotten first. */
const MAX_PAIRS = 100_000;

export class RelationGate {
  readonly #store: RelationStore;
  readonly #now: () => number;
  readonly #ttlMs: number;
  /** `${sender}\n${receiver}` → what was read, in insertion order. */
  readonly #pairs = new Map<string, Cached>();

  /** Friendships are read only when the app lets only friends chat (`friendsOnly`); else they read false. */
  readonly friendsOnly: boolean;

  constructor(store: RelationStore, o: { readonly now: () => number; readonly ttlMs: number; readonly friendsOnly: boolean }) {
    this.#store = store;
    this.#now = o.now;
    this.#ttlMs = o.ttlMs;
    this.friendsOnly = o.friendsOnly;
  }

  /** The relations of S and R if this node holds a fresh reading; undefined = ask `pair`. Synchronous, for the send path. */
  peek(from: string, to: string): PairRelations | undefined {
    const hit = this.#pairs.get(pairKey(from, to));
    return hit && hit.until > this.#now() ? hit.value : undefined;
  }

  /** The relations of S (`from`) and R (`to`). */
  async pair(from: string, to: string): Promise<PairRelations> {
    const withFriends = this.friendsOnly;
    const key = pairKey(from, to);
    const now = this.#now();
    const hit = this.#pairs.get(key);
    if (hit && hit.until > now) return hit.value;
    const [black, links] = await Promise.all([
      this.#store.blacklistedAmong([{ owner: to, target: from }]),
      withFriends ? this.#store.friendsAmong([{ owner: from, friend: to }, { owner: to, friend: from }]) : Promise.resolve(new Map()),
    ]);
    const value: PairRelations = {
      receiverBlacklistsSender: black.size > 0,
      senderHasReceiver: links.has(pairKey(from, to)),
      receiverHasSender: links.has(pairKey(to, from)),
    };
    this.#remember(key, { value, until: now + this.#ttlMs });
    return value;
  }

  /** Forgets what is known of `a` and `b` in either direction (after this node changed their relations). */
  forget(a: string, b: string): void {
    this.#pairs.delete(pairKey(a, b));
    this.#pairs.delete(pairKey(b, a));
  }

  #remember(key: string, c: Cached): void {
    this.#pairs.delete(key);
    if (this.#pairs.size >= MAX_PAIRS) this.#pairs.delete(this.#pairs.keys().next().value as string);
    this.#pairs.set(key, c);
  }
}
