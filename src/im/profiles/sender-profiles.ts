/**
 * The sender's profile fields messages carry (Tencent's message nick and avatar; the tags of
 * PARLEY_MESSAGE_PROFILE_TAGS), as of the send. A node reads a sender's fields at most once per
 * `ttlMs`, never per message: a hit is answered synchronously (`peek`), a miss by one store read
 * (`load`). A change made on this node is seen by its next send (`forget`); one made on another node
 * within the window.
 */
import type { AccountStore } from '../../../storage/store.ts';
import type { SenderProfile } from '../../protocol/entries.ts';
import { ProfileTag, type ProfileValue } from './profile-tags.ts';

/** Senders remembered; beyond it the oldest are forgotten and read again. */
const MAX_KNOWN = 100_000;

/** No fields: the app selects none, the sender set none, or the sender has no account (an App admin). */
export const NO_SENDER_PROFILE: SenderProfile = Object.freeze({});

export class SenderProfiles {
  readonly #store: AccountStore;
  readonly #tags: readonly string[];
  readonly #otherTags: readonly string[];
  readonly #now: () => number;
  readonly #ttlMs: number;
  /** Fields read, with when the reading lapses; insertion-ordered. */
  readonly #known = new Map<string, { readonly profile: SenderProfile; readonly until: number }>();

  constructor(store: AccountStore, o: { readonly tags: readonly string[]; readonly now: () => number; readonly ttlMs: number }) {
    this.#store = store;
    this.#tags = o.tags;
    // Nick and face live in the account record; the others in the profile tags.
    this.#otherTags = o.tags.filter((t) => t !== ProfileTag.Nick && t !== ProfileTag.Image);
    this.#now = o.now;
    this.#ttlMs = o.ttlMs;
  }

  /** The sender's fields if this node holds a fresh reading; undefined = ask `load`. */
  peek(userId: string): SenderProfile | undefined {
    if (this.#tags.length === 0) return NO_SENDER_PROFILE;
    const hit = this.#known.get(userId);
    return hit && hit.until > this.#now() ? hit.profile : undefined;
  }

  /** Reads the sender's fields (only the tags set, so an unset nick is absent) and keeps them `ttlMs`. */
  async load(userId: string): Promise<SenderProfile> {
    const [accounts, tags] = await Promise.all([
      this.#store.getAccounts([userId]),
      this.#otherTags.length > 0 ? this.#store.getProfileTags([userId]) : undefined,
    ]);
    const account = accounts.get(userId);
    const values = new Map<string, ProfileValue>(tags?.get(userId));
    if (account?.nick) values.set(ProfileTag.Nick, account.nick);
    if (account?.faceUrl) values.set(ProfileTag.Image, account.faceUrl);
    const fields: Record<string, ProfileValue> = {};
    for (const tag of this.#tags) {
      const v = account ? values.get(tag) : undefined;
      if (v !== undefined) fields[tag] = v;
    }
    const profile = Object.keys(fields).length > 0 ? Object.freeze(fields) : NO_SENDER_PROFILE;
    this.#known.delete(userId);
    if (this.#known.size >= MAX_KNOWN) this.#known.delete(this.#known.keys().next().value as string);
    this.#known.set(userId, { profile, until: this.#now() + this.#ttlMs });
    return profile;
  }

  /** After this node changed the user's profile (or deleted the account): the next send reads it again. */
  forget(userId: string): void {
    this.#known.delete(userId);
  }
}
