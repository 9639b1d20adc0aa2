/**
 * `sns.friendImport` (REST friend_import, migration): one-way friendships as they were, with their
 * fields and times — no AllowType, blacklist or limit checks but the fields' own (30001) and the
 * friend limit (30010), no callbacks. Re-importing a friend replaces its fields.
 */
import { z } from 'zod';
import type { FriendRecord } from '../../../storage/store.ts';
import { imError } from '../../protocol/errors.ts';
import { type Caller, platformOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { checkAddSource, checkGroupName, checkRemark, snsInvalid } from './friend-fields.ts';
import { SNS_LIMITS } from './friend-rules.ts';
import { groupsWith } from './friend-groups.ts';
import { requireAccount } from './friend-add.ts';
import { type ItemResult, failed, ok, perItem, touch, writeRelations } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

/** Most items one friend_import takes (spec §8.3). */
export const MAX_IMPORT_ITEMS = 1000;

const customItem = z.object({ tag: z.string(), value: z.union([z.string(), z.number()]) });
const importItem = z.object({
  to: z.string(),
  remark: z.string().optional(),
  groups: z.array(z.string()).optional(),
  addSource: z.string(),
  addWording: z.string().optional(),
  /** Unix s; absent = now. */
  addTime: z.number().int().min(0).optional(),
  custom: z.array(customItem).optional(),
});
type ImportItem = z.output<typeof importItem>;

export const friendImportCommand = defineCommand({
  name: 'sns.friendImport',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ from: z.string(), items: z.array(importItem) }),
  run: async (ctx, caller, { from, items }): Promise<ItemResult[]> => {
    if (items.length === 0) throw imError('SnsInvalidParam', { detail: 'AddFriendItem is empty' });
    if (items.length > MAX_IMPORT_ITEMS) throw imError('SnsInvalidParam', { detail: `AddFriendItem holds ${items.length} items, at most ${MAX_IMPORT_ITEMS} are allowed` });
    await requireAccount(ctx, from);
    const results: ItemResult[] = [];
    for (const item of items) results.push(await perItem(item.to, () => importOne(ctx, caller, from, item)));
    return results;
  },
});

/** A Tag_SNS_Custom_ key: letters, at most 8 bytes (spec §6.2). */
const CUSTOM_TAG = /^Tag_SNS_Custom_[A-Za-z]{1,8}$/;

async function importOne(ctx: ImContext, caller: Caller, from: string, item: ImportItem): Promise<ItemResult> {
  const to = item.to;
  if (to === from) return failed(to, snsInvalid(`${from} cannot add themselves as a friend`));
  const bad = checkAddSource(item.addSource) ?? checkRemark(item.remark) ?? (item.groups ?? []).map((g) => checkGroupName(g)).find((e) => e !== undefined);
  if (bad) return failed(to, bad);
  const badTag = (item.custom ?? []).find((c) => !CUSTOM_TAG.test(c.tag));
  if (badTag) return failed(to, snsInvalid(`${badTag.tag} is not a Tag_SNS_Custom_ tag (1 to 8 letters)`));
  if ((await ctx.accounts.missing([to])).length > 0) return failed(to, imError('SnsAccountNotFound', { userId: to }));
  const r = ctx.store.relations;
  const [existing, count, groups] = await Promise.all([r.friendsAmong([{ owner: from, friend: to }]), r.friendCount(from), r.friendGroups(from)]);
  if (existing.size === 0 && count >= SNS_LIMITS.friends) return failed(to, imError('SnsFriendLimit', { userId: from, max: SNS_LIMITS.friends }));
  const wanted = [...new Set(item.groups ?? [])];
  const { created } = wanted.length > 0 ? groupsWith(from, groups, wanted) : { created: [] };
  const record: FriendRecord = {
    owner: from,
    friend: to,
    remark: item.remark ?? '',
    groups: wanted,
    addSource: item.addSource,
    addWording: item.addWording ?? '',
    addTime: item.addTime !== undefined ? item.addTime * 1000 : ctx.now(),
    custom: Object.fromEntries((item.custom ?? []).map((c) => [c.tag, c.value])),
  };
  const changed = new Map<string, SnsChange[]>();
  touch(changed, from, 'friendList');
  if (created.length > 0) touch(changed, from, 'groups');
  const friendGroups = created.length > 0 ? [{ owner: from, names: [...groups, ...created] }] : [];
  await writeRelations(ctx, from, { putFriends: [record], friendGroups }, changed, { action: 'friend.imported', operator: caller.userId, user: from, pairs: [{ from, to }], platform: platformOf(caller) });
  return ok(to);
}
