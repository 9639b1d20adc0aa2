/**
 * Who a push targets, read from the all-member push audience: which of a list of users match (one
 * read per list), and every targeted user page by page from the indexes (`TargetPages`), so a
 * push reads the users it targets, never every account.
 */
import type { BroadcastCondition } from '../../protocol/entries.ts';
import type { PushDeviceStore, PushTargetStore } from '../../../storage/store.ts';
import { type TargetFacts, matches, needs } from './condition.ts';

/** What the condition reads of each of `userIds` (nothing for everyone). */
async function factsOf(store: PushTargetStore, c: BroadcastCondition | undefined, userIds: readonly string[]): Promise<(u: string) => TargetFacts> {
  const need = needs(c);
  if (need === 'tags') {
    const tags = await store.tagsOf(userIds);
    return (u) => ({ tags: tags.get(u) });
  }
  if (need === 'attrs') {
    const attrs = await store.attrsOf(userIds);
    return (u) => ({ attrs: attrs.get(u) });
  }
  return () => ({});
}

/** The users among `userIds` the condition targets, in their order. */
export async function targeted(store: PushTargetStore, c: BroadcastCondition | undefined, userIds: readonly string[]): Promise<string[]> {
  if (needs(c) === 'nothing' || userIds.length === 0) return [...userIds];
  const facts = await factsOf(store, c, userIds);
  return userIds.filter((u) => matches(c, facts(u)));
}

/** Where a walk over the targeted users stands: the index source it reads (a tag or attribute pair of the condition), and the position in it. */
export interface TargetPosition {
  readonly source: number;
  /** The last user id read ('' = the source's start), or the device owners' page cursor. */
  readonly after: string;
}

export interface TargetPage {
  /** Targeted users of this page (possibly none: a page whose users the rest of the condition refused). */
  readonly userIds: string[];
  /** Where the next page starts; undefined when this was the last. */
  readonly next: TargetPosition | undefined;
}

/**
 * Pages through the users of one shard (src/im/broadcast/shards.ts) a condition targets, each
 * once: for tags, the users of each `TagsOr` tag (a user holding an earlier one was on its pages)
 * or of the first `TagsAnd` tag, checked against the whole condition; attributes alike; for
 * everyone, the users with push devices (the only ones a walk is for: offline push). The shards'
 * walks together reach every targeted user once.
 */
export class TargetPages {
  readonly #targets: PushTargetStore;
  readonly #devices: PushDeviceStore;
  readonly #c: BroadcastCondition | undefined;
  readonly #shard: number;

  constructor(targets: PushTargetStore, devices: PushDeviceStore, c: BroadcastCondition | undefined, shard: number) {
    this.#targets = targets;
    this.#devices = devices;
    this.#c = c;
    this.#shard = shard;
  }

  /** The index sources the walk reads, in order: tags, or [slot, value] pairs, or none (device owners). */
  #sources(): readonly (string | readonly [string, string])[] {
    const c = this.#c;
    if (!c) return [];
    if (c.tagsOr) return c.tagsOr;
    if (c.tagsAnd) return c.tagsAnd.slice(0, 1);
    if (c.attrsOr) return Object.entries(c.attrsOr);
    if (c.attrsAnd) return Object.entries(c.attrsAnd).slice(0, 1);
    return [];
  }

  async page(at: TargetPosition, limit: number): Promise<TargetPage> {
    const sources = this.#sources();
    if (sources.length === 0) {
      const { userIds, next } = await this.#devices.deviceOwners(this.#shard, at.after, limit);
      return { userIds, next: next === '' ? undefined : { source: 0, after: next } };
    }
    const source = sources[at.source];
    const read =
      typeof source === 'string'
        ? await this.#targets.usersWithTag(source, this.#shard, at.after, limit)
        : await this.#targets.usersWithAttr(source[0], source[1], this.#shard, at.after, limit);
    const last = read.length === limit ? read[limit - 1] : undefined;
    const next = last !== undefined ? { source: at.source, after: last } : at.source + 1 < sources.length ? { source: at.source + 1, after: '' } : undefined;
    if (read.length === 0) return { userIds: [], next };
    const facts = await factsOf(this.#targets, this.#c, read);
    const earlier = sources.slice(0, at.source);
    const onEarlierPage = (f: TargetFacts): boolean =>
      earlier.some((s) => (typeof s === 'string' ? (f.tags ?? []).includes(s) : f.attrs?.[s[0]] === s[1]));
    return { userIds: read.filter((u) => matches(this.#c, facts(u)) && !onEarlierPage(facts(u))), next };
  }
}
