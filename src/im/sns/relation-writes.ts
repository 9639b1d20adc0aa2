/**
 * What the relationship-chain commands share: per-item results, the store writes an outcome makes
 * (with the owners' sequences bumped once per request), and the `relation.changed` event they carry.
 */
import { randomUUID } from 'node:crypto';
import type { FriendRecord, RelationChange, RelationSequences } from '../../../storage/store.ts';
import { type ImError, imError, isImError } from '../../protocol/errors.ts';
import type { Caller } from '../caller.ts';
import { type RelationChangedData, makeEvent } from '../../protocol/events.ts';
import { inboxStream } from '../../protocol/streams.ts';
import type { RelationNotice } from '../../protocol/entries.ts';
import type { ImContext } from '../context.ts';
import { type SnsChange, bumpSequences } from './sns-sequences.ts';

/** One item's answer (Tencent's ResultItem): 0, or the code and info of why not. */
export interface ItemResult {
  readonly to: string;
  readonly code: number;
  readonly info: string;
}

export const ok = (to: string): ItemResult => ({ to, code: 0, info: '' });
export const failed = (to: string, e: ImError): ItemResult => ({ to, code: e.code, info: e.info });

/** Runs `f` for one item, turning a catalogue error into that item's result. */
export async function perItem(to: string, f: () => Promise<ItemResult>): Promise<ItemResult> {
  try {
    return await f();
  } catch (e) {
    if (isImError(e)) return failed(to, e);
    throw e;
  }
}

/** A friendship side as stored, stamped `now`. */
export const friendRecord = (spec: Omit<FriendRecord, 'addTime' | 'custom'> & Partial<Pick<FriendRecord, 'custom'>>, now: number): FriendRecord => ({
  custom: {},
  ...spec,
  addTime: now,
});

/**
 * Writes `change` with each owner's sequences bumped for what changed for them, and the
 * `relation.changed` event (keyed by the request's user) in the same store write; answers the
 * sequences written, per owner.
 */
export async function writeRelations(ctx: ImContext, user: string, change: RelationChange, changed: ReadonlyMap<string, readonly SnsChange[]>, data: RelationChangedData): Promise<ReadonlyMap<string, RelationSequences>> {
  const owners = [...changed.keys()];
  const current = await Promise.all(owners.map((o) => ctx.store.relations.relationSequences(o)));
  const sequences = owners.map((owner, i): { owner: string; sequences: RelationSequences } => ({ owner, sequences: bumpSequences(current[i], changed.get(owner) ?? []) }));
  const now = ctx.now();
  const stream = inboxStream(user);
  const events = [makeEvent('relation.changed', `relation:${user}:${now}:${randomUUID()}`, stream, now, data)];
  await ctx.store.relations.applyRelations({ ...change, sequences }, ctx.events.record(stream, events));
  for (const p of data.pairs) ctx.relationGate.forget(p.from, p.to);
  ctx.events.publishRecorded(stream, events);
  await notifyRelation(ctx, { kind: 'relation', action: data.action, user: data.user, pairs: data.pairs, time: now });
  return new Map(sequences.map((s) => [s.owner, s.sequences]));
}

/**
 * Who learns of a change in their inbox: the owners of the lists that changed and the user who
 * asked; a request's peer; a blacklist only its owner (the target is never told).
 */
export function relationAudience(n: RelationNotice): string[] {
  switch (n.action) {
    case 'blacklist.added':
    case 'blacklist.deleted':
    case 'groups.changed':
      return [n.user];
    case 'friend.requested':
    case 'friend.request_dropped':
      return [...new Set([n.user, ...n.pairs.flatMap((p) => [p.from, p.to])])];
    default:
      return [...new Set([n.user, ...n.pairs.map((p) => p.from)])];
  }
}

/** Best effort, after the change is stored: every device of the audience syncs it from its inbox. */
async function notifyRelation(ctx: ImContext, notice: RelationNotice): Promise<void> {
  await Promise.all(
    relationAudience(notice).map((u) =>
      ctx.actors
        .inbox(u)
        .call({ op: 'appendNotice', notice })
        .catch((e: unknown) => ctx.log.warn({ err: e, userId: u, action: notice.action }, 'relationship notice not delivered')),
    ),
  );
}

/** Adds `parts` for `owner` to a map of what changed for whom. */
export function touch(changed: Map<string, SnsChange[]>, owner: string, ...parts: SnsChange[]): void {
  changed.set(owner, [...(changed.get(owner) ?? []), ...parts]);
}

/** Whose relationship data a call is about: a user's own; the App admin names it (From_Account). */
export function ownerOf(caller: Caller, from: string | undefined): string {
  if (caller.kind === 'user') return caller.userId;
  if (!from) throw imError('SnsInvalidParam', { detail: 'From_Account is required' });
  return from;
}
