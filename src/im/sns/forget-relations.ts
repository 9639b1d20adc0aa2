/**
 * The relationship data of an account being deleted (account_delete): its friendships both ways,
 * its pending requests sent and received, its blacklist and its friend groups, each removal a
 * `relation.changed` write like the commands' (the friends' lists and sequences change with it,
 * so their devices update). Idempotent: a deletion that stopped half-way is completed by a retry.
 *
 * Not found, so left: another user's one-way friend entry or blacklist entry naming the account
 * (the store indexes those lists by owner only).
 */
import { platformOf, type Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { deleteAllFriends } from './friend-changes.ts';
import { writeRelations } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

/** Requests and blacklist entries removed per write. */
const PAGE = 100;

export async function forgetRelations(ctx: ImContext, caller: Caller, userId: string): Promise<void> {
  const r = ctx.store.relations;
  const who = { operator: caller.userId, user: userId, platform: platformOf(caller) };
  await deleteAllFriends(ctx, caller, userId, 'Delete_Type_Both');
  for (let page = await r.listRequests(userId, 0, PAGE); page.length > 0; page = await r.listRequests(userId, 0, PAGE)) {
    const pairs = page.map((q) => ({ from: q.from, to: q.to }));
    await writeRelations(ctx, userId, { removeRequests: pairs }, new Map(), { action: 'friend.request_dropped', ...who, pairs });
  }
  for (let page = await r.listBlacklist(userId, 0, PAGE); page.length > 0; page = await r.listBlacklist(userId, 0, PAGE)) {
    const changed = new Map<string, SnsChange[]>([[userId, ['blacklist']]]);
    const removeBlacklist = page.map((b) => ({ owner: userId, target: b.target }));
    await writeRelations(ctx, userId, { removeBlacklist }, changed, { action: 'blacklist.deleted', ...who, pairs: page.map((b) => ({ from: userId, to: b.target })) });
  }
  if ((await r.friendGroups(userId)).length > 0) {
    await writeRelations(ctx, userId, { friendGroups: [{ owner: userId, names: [] }] }, new Map([[userId, ['groups']]]), { action: 'groups.changed', ...who, pairs: [] });
  }
}
