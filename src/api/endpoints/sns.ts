/** `v4/sns/*`: friends, the blacklist and friend groups (spec §3.4). */
import { z } from 'zod';
import { blacklistAddCommand, blacklistCheckCommand, blacklistDeleteCommand, blacklistGetCommand } from '../../im/sns/blacklist.ts';
import { friendAddCommand } from '../../im/sns/friend-add.ts';
import { friendDeleteAllCommand, friendDeleteCommand, friendUpdateCommand } from '../../im/sns/friend-changes.ts';
import { friendGroupAddCommand, friendGroupDeleteCommand, friendGroupGetCommand } from '../../im/sns/friend-group-commands.ts';
import { friendImportCommand } from '../../im/sns/friend-import.ts';
import { friendCheckCommand, friendGetCommand, friendGetListCommand } from '../../im/sns/friend-queries.ts';
import type { ItemResult } from '../../im/sns/relation-writes.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { count, flag, nonEmpty, str } from '../wire.ts';

const account = nonEmpty('SnsInvalidParam');
const text = str('SnsInvalidParam');
const accounts = z.array(account, { error: 'SnsInvalidParam' });
const names = z.array(text, { error: 'SnsInvalidParam' });
const tagValues = z.array(z.object({ Tag: text, Value: z.unknown() }), { error: 'SnsInvalidParam' });
const deleteType = z.enum(['Delete_Type_Single', 'Delete_Type_Both'], { error: 'SnsInvalidParam' }).optional();

/** ResultItem and, when some failed, Fail_Account (Tencent's shape of every per-item answer). */
function resultItems(results: readonly ItemResult[], field = 'ResultItem'): Record<string, unknown> {
  const failed = results.filter((r) => r.code !== 0).map((r) => r.to);
  return { [field]: results.map((r) => ({ To_Account: r.to, ResultCode: r.code, ResultInfo: r.info })), ...(failed.length > 0 ? { Fail_Account: failed } : {}), ErrorDisplay: '' };
}

export const snsService: Service = {
  name: 'sns',
  bodyJson: 'SnsInvalidParam',
  invalid: 'SnsInvalidParam',
  adminRequired: 'SnsAdminRequired',
  internal: 'SnsInternal',
  endpoints: [
    endpoint({
      command: 'friend_add',
      runs: friendAddCommand,
      request: z.object({
        From_Account: account,
        AddFriendItem: z.array(
          z.object({ To_Account: account, Remark: text.optional(), GroupName: text.optional(), AddSource: str('SnsInvalidParam'), AddWording: text.optional() }),
          { error: 'SnsInvalidParam' },
        ),
        AddType: z.enum(['Add_Type_Single', 'Add_Type_Both'], { error: 'SnsInvalidParam' }).optional(),
        ForceAddFlags: flag('SnsInvalidParam').optional(),
      }),
      input: (r) => ({
        from: r.From_Account,
        items: r.AddFriendItem.map((i) => ({ to: i.To_Account, remark: i.Remark, groupName: i.GroupName, addSource: i.AddSource, addWording: i.AddWording })),
        addType: r.AddType,
        force: r.ForceAddFlags === 1,
      }),
      reply: (results) => resultItems(results),
    }),
    endpoint({
      command: 'friend_import',
      runs: friendImportCommand,
      request: z.object({
        From_Account: account,
        AddFriendItem: z.array(
          z.object({
            To_Account: account,
            Remark: text.optional(),
            RemarkTime: count('SnsInvalidParam').optional(),
            GroupName: names.optional(),
            AddSource: str('SnsInvalidParam'),
            AddWording: text.optional(),
            AddTime: count('SnsInvalidParam').optional(),
            CustomItem: z.array(z.object({ Tag: text, Value: z.union([z.string(), z.number()], { error: 'SnsInvalidParam' }) }), { error: 'SnsInvalidParam' }).optional(),
          }),
          { error: 'SnsInvalidParam' },
        ),
      }),
      input: (r) => ({
        from: r.From_Account,
        items: r.AddFriendItem.map((i) => ({
          to: i.To_Account,
          remark: i.Remark,
          groups: i.GroupName,
          addSource: i.AddSource,
          addWording: i.AddWording,
          addTime: i.AddTime,
          custom: i.CustomItem?.map((c) => ({ tag: c.Tag, value: c.Value })),
        })),
      }),
      reply: (results) => resultItems(results),
    }),
    endpoint({
      command: 'friend_update',
      runs: friendUpdateCommand,
      request: z.object({ From_Account: account, UpdateItem: z.array(z.object({ To_Account: account, SnsItem: tagValues }), { error: 'SnsInvalidParam' }) }),
      input: (r) => ({ from: r.From_Account, items: r.UpdateItem.map((u) => ({ to: u.To_Account, items: u.SnsItem.map((t) => ({ tag: t.Tag, value: t.Value })) })) }),
      reply: (results) => resultItems(results),
    }),
    endpoint({
      command: 'friend_delete',
      runs: friendDeleteCommand,
      request: z.object({ From_Account: account, To_Account: accounts, DeleteType: deleteType }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account, deleteType: r.DeleteType }),
      reply: (results) => resultItems(results),
    }),
    endpoint({
      command: 'friend_delete_all',
      runs: friendDeleteAllCommand,
      request: z.object({ From_Account: account, DeleteType: deleteType }),
      input: (r) => ({ from: r.From_Account, deleteType: r.DeleteType }),
    }),
    endpoint({
      command: 'friend_check',
      runs: friendCheckCommand,
      request: z.object({ From_Account: account, To_Account: accounts, CheckType: z.enum(['CheckResult_Type_Single', 'CheckResult_Type_Both'], { error: 'SnsInvalidParam' }) }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account, checkType: r.CheckType }),
      reply: (results) => ({ InfoItem: results.map((x) => ({ To_Account: x.to, Relation: x.relation, ResultCode: x.code, ResultInfo: x.info })), ErrorDisplay: '' }),
    }),
    endpoint({
      command: 'friend_get',
      runs: friendGetCommand,
      request: z.object({ From_Account: account, StartIndex: count('SnsInvalidParam'), StandardSequence: count('SnsInvalidParam').optional(), CustomSequence: count('SnsInvalidParam').optional() }),
      input: (r) => ({ from: r.From_Account, startIndex: r.StartIndex, standardSequence: r.StandardSequence, customSequence: r.CustomSequence }),
      reply: (p) => ({
        UserDataItem: p.friends.map((f) => ({ To_Account: f.to, ValueItem: f.tags })),
        StandardSequence: p.standardSequence,
        CustomSequence: p.customSequence,
        FriendNum: p.friendNum,
        CompleteFlag: p.complete ? 1 : 0,
        NextStartIndex: p.nextStartIndex,
        ErrorDisplay: '',
      }),
    }),
    endpoint({
      command: 'friend_get_list',
      runs: friendGetListCommand,
      request: z.object({ From_Account: account, To_Account: accounts, TagList: names }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account, tagList: r.TagList }),
      reply: (results) => {
        const failed = results.filter((x) => x.code !== 0).map((x) => x.to);
        return {
          InfoItem: results.map((x) => ({ To_Account: x.to, SnsProfileItem: x.tags, ResultCode: x.code, ResultInfo: x.info })),
          ...(failed.length > 0 ? { Fail_Account: failed } : {}),
          ErrorDisplay: '',
        };
      },
    }),
    endpoint({
      command: 'black_list_add',
      runs: blacklistAddCommand,
      request: z.object({ From_Account: account, To_Account: accounts }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account }),
      reply: (results) => resultItems(results),
    }),
    endpoint({
      command: 'black_list_delete',
      runs: blacklistDeleteCommand,
      request: z.object({ From_Account: account, To_Account: accounts }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account }),
      reply: (results) => resultItems(results),
    }),
    endpoint({
      command: 'black_list_get',
      runs: blacklistGetCommand,
      request: z.object({ From_Account: account, StartIndex: count('SnsInvalidParam'), MaxLimited: count('SnsInvalidParam'), LastSequence: count('SnsInvalidParam').optional() }),
      input: (r) => ({ from: r.From_Account, startIndex: r.StartIndex, maxLimited: Math.max(1, r.MaxLimited) }),
      // `CurruentSequence` is Tencent's spelling on the wire.
      reply: (p) => ({ BlackListItem: p.entries.map((e) => ({ To_Account: e.to, AddBlackTimeStamp: Math.floor(e.time / 1000) })), StartIndex: p.next, CurruentSequence: p.sequence, ErrorDisplay: '' }),
    }),
    endpoint({
      command: 'black_list_check',
      runs: blacklistCheckCommand,
      request: z.object({ From_Account: account, To_Account: accounts, CheckType: z.enum(['BlackCheckResult_Type_Single', 'BlackCheckResult_Type_Both'], { error: 'SnsInvalidParam' }) }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account, checkType: r.CheckType }),
      reply: (results) => ({ BlackListCheckItem: results.map((x) => ({ To_Account: x.to, Relation: x.relation, ResultCode: 0, ResultInfo: '' })), ErrorDisplay: '' }),
    }),
    endpoint({
      command: 'group_add',
      runs: friendGroupAddCommand,
      request: z.object({ From_Account: account, GroupName: names, To_Account: accounts.optional() }),
      input: (r) => ({ from: r.From_Account, names: r.GroupName, to: r.To_Account }),
      reply: (out) => ({ CurrentSequence: out.sequence, ...(out.items ? resultItems(out.items) : { ErrorDisplay: '' }) }),
    }),
    endpoint({
      command: 'group_delete',
      runs: friendGroupDeleteCommand,
      request: z.object({ From_Account: account, GroupName: names }),
      input: (r) => ({ from: r.From_Account, names: r.GroupName }),
      reply: (out) => ({ CurrentSequence: out.sequence, ErrorDisplay: '' }),
    }),
    endpoint({
      command: 'group_get',
      runs: friendGroupGetCommand,
      request: z.object({ From_Account: account, NeedFriend: text.optional(), GroupName: names.optional(), LastSequence: count('SnsInvalidParam').optional() }),
      input: (r) => ({ from: r.From_Account, names: r.GroupName, needFriend: r.NeedFriend === 'Need_Friend_Type_Yes' }),
      reply: (out) => ({
        ResultItem: out.groups.map((g) => ({ GroupName: g.name, FriendNumber: g.friendNumber, ...(g.friends ? { To_Account: g.friends } : {}) })),
        CurrentSequence: out.sequence,
        ErrorDisplay: '',
      }),
    }),
  ],
};
