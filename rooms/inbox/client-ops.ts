/**
 * The inbox room's client operations: each op maps its arguments (protocol schemas, shared with
 * the SDK) to the input of one domain command (src/im/command.ts), with the logged-in user as the
 * caller. Defaults and rules are the command's, shared with REST.
 */
import type { z } from 'zod';
import { sendC2CCommand } from '../../src/im/c2c/send.ts';
import { deleteC2CCommand, recallC2CCommand } from '../../src/im/c2c/change.ts';
import { type StatusAnswer, queryStatusCommand } from '../../src/im/presence/query-status.ts';
import { subscribeStatusCommand, unsubscribeStatusCommand } from '../../src/im/presence/status-subscriptions.ts';
import { deleteConversationCommand, pinConversationCommand, readConversationCommand, unreadCountsCommand } from '../../src/im/conversations/conversation-commands.ts';
import { listConversationsCommand } from '../../src/im/conversations/list-conversations.ts';
import {
  createContactGroupCommand,
  deleteContactGroupsCommand,
  listContactsCommand,
  markContactsCommand,
  updateContactGroupCommand,
  type ContactPage,
  type ContactView,
} from '../../src/im/conversations/contact-commands.ts';
import type { ContactChangeOutcome } from '../../src/im/conversations/change-contacts.ts';
import { readReceiptCommand, receiptCountsCommand, receiptMembersCommand } from '../../src/im/groups/receipts.ts';
import { c2cReadReceiptCommand } from '../../src/im/c2c/read-receipt.ts';
import { pushConfigCommand, pushDevicesCommand, registerPushCommand, unregisterPushCommand } from '../../src/im/push/push-devices.ts';
import { type CallerKind, type CallerOf, type Command, accepts, execute } from '../../src/im/command.ts';
import type { ImContext } from '../../src/im/context.ts';
import type { MemberPage } from '../../src/im/actor-api.ts';
import { addMembersCommand } from '../../src/im/groups/add-members.ts';
import { decideApplicationCommand, groupApplicationsCommand, readGroupApplicationsCommand } from '../../src/im/groups/applications.ts';
import { changeOwnerCommand } from '../../src/im/groups/change-owner.ts';
import { createGroupCommand } from '../../src/im/groups/create.ts';
import { deleteMembersCommand } from '../../src/im/groups/delete-members.ts';
import { destroyGroupCommand } from '../../src/im/groups/destroy.ts';
import { groupViewCommand } from '../../src/im/groups/info.ts';
import { joinGroupCommand, quitGroupCommand } from '../../src/im/groups/join-quit.ts';
import { membersCommand } from '../../src/im/groups/members.ts';
import { modifyInfoCommand } from '../../src/im/groups/modify-info.ts';
import { modifyMemberCommand } from '../../src/im/groups/modify-member.ts';
import { muteCommand, mutedCommand } from '../../src/im/groups/mute.ts';
import { recallCommand } from '../../src/im/groups/recall.ts';
import { groupSendCommand } from '../../src/im/groups/send.ts';
import { myGroupsCommand } from '../../src/im/sync/my-groups.ts';
import { pullGroupCommand } from '../../src/im/sync/pull-group.ts';
import { pullBroadcastCommand } from '../../src/im/broadcast/pull.ts';
import { syncInboxCommand } from '../../src/im/sync/sync-inbox.ts';
import { getProfilesCommand } from '../../src/im/profiles/get-profiles.ts';
import { setProfileCommand } from '../../src/im/profiles/set-profile.ts';
import { friendAddCommand } from '../../src/im/sns/friend-add.ts';
import { deleteFriendRequestsCommand, friendRequestsCommand, friendRespondCommand, readFriendRequestsCommand } from '../../src/im/sns/friend-requests.ts';
import { searchUsersCommand } from '../../src/im/profiles/search-users.ts';
import { friendCheckCommand, friendGetCommand } from '../../src/im/sns/friend-queries.ts';
import { friendDeleteAllCommand, friendDeleteCommand, friendUpdateCommand } from '../../src/im/sns/friend-changes.ts';
import { friendGroupAddCommand, friendGroupDeleteCommand, friendGroupGetCommand } from '../../src/im/sns/friend-group-commands.ts';
import { blacklistAddCommand, blacklistDeleteCommand, blacklistGetCommand } from '../../src/im/sns/blacklist.ts';
import {
  type GroupMembersResult,
  Op,
  type OpTypes,
  createGroupArgs,
  decideApplicationArgs,
  getProfilesArgs,
  setProfileArgs,
  addFriendsArgs,
  friendRequestsArgs,
  readFriendRequestsArgs,
  deleteFriendRequestsArgs,
  searchUsersArgs,
  recallC2CArgs,
  userStatusArgs,
  deleteC2CArgs,
  conversationsArgs,
  contactsArgs,
  createContactGroupArgs,
  deleteContactGroupsArgs,
  renameContactGroupArgs,
  contactGroupConversationsArgs,
  markConversationsArgs,
  readGroupReceiptsArgs,
  groupReceiptsArgs,
  groupReceiptMembersArgs,
  readC2CReceiptsArgs,
  registerPushArgs,
  unregisterPushArgs,
  pushDevicesArgs,
  pushConfigArgs,
  subscribeStatusArgs,
  unsubscribeStatusArgs,
  readConversationArgs,
  pinConversationArgs,
  deleteConversationArgs,
  unreadCountsArgs,
  respondFriendsArgs,
  friendsArgs,
  deleteFriendsArgs,
  checkFriendsArgs,
  blacklistArgs,
  blacklistPageArgs,
  updateFriendsArgs,
  deleteAllFriendsArgs,
  addFriendGroupsArgs,
  deleteFriendGroupsArgs,
  friendGroupsArgs,
  groupApplicationsArgs,
  readGroupApplicationsArgs,
  dismissArgs,
  groupInfoArgs,
  groupMembersArgs,
  groupPullArgs,
  groupsArgs,
  inviteArgs,
  joinArgs,
  kickArgs,
  modifyGroupArgs,
  modifyGroupMemberArgs,
  muteArgs,
  mutedArgs,
  quitArgs,
  recallArgs,
  sendC2CArgs,
  sendGroupArgs,
  syncArgs,
  transferArgs,
} from '../../src/protocol/client-ops.ts';
import { decode } from '../../src/protocol/decode.ts';
import { forClients } from '../../src/im/stream-page.ts';
import type { Metrics } from '../../src/ops/metrics.ts';

type OpHandler = (im: ImContext, caller: CallerOf<'user'>, raw: unknown) => Promise<unknown>;

interface OpSpec<A, S extends z.ZodType, R, K extends CallerKind, W> {
  readonly args: z.ZodType<A>;
  readonly runs: Command<S, R, K>;
  readonly input: (args: A) => z.input<S>;
  /** The command's output as the op's result, where the two differ. */
  readonly output?: (r: R, im: ImContext) => W;
}

/**
 * Mounts `runs` as client op `op`: decodes the arguments (ClientBadRequest unless a field names
 * its own code), maps them to the command's input and its output to the op's result. Refuses a
 * command users may not issue.
 */
function clientOp<O extends Op, A, S extends z.ZodType, K extends CallerKind>(op: O, spec: OpSpec<A, S, OpTypes[O]['result'], K, OpTypes[O]['result']>): [O, OpHandler];
function clientOp<O extends Op, A, S extends z.ZodType, R, K extends CallerKind>(
  op: O,
  spec: OpSpec<A, S, R, K, OpTypes[O]['result']> & { readonly output: (r: R, im: ImContext) => OpTypes[O]['result'] },
): [O, OpHandler];
function clientOp<O extends Op, A, S extends z.ZodType, R, K extends CallerKind>(op: O, spec: OpSpec<A, S, R, K, unknown>): [O, OpHandler] {
  if (!accepts(spec.runs, 'user')) throw new Error(`client op ${op}: command ${spec.runs.name} is not for users`);
  const output = spec.output ?? ((r: R) => r);
  return [
    op,
    async (im, caller, raw) => output(await execute(im, caller as CallerOf<K>, spec.runs, spec.input(decode(spec.args, raw ?? {}, 'ClientBadRequest')), 'ClientBadRequest'), im),
  ];
}

/** A member page as clients see it: no one else's message flag or SEQs; mutes that are over read 0. */
function membersResult(page: MemberPage, im: ImContext): GroupMembersResult {
  const now = im.now();
  return {
    total: page.total,
    next: page.next,
    members: page.members.map((m) => {
      const until = page.muted[m.userId] ?? 0;
      return { userId: m.userId, role: m.role, joinedAt: m.joinedAt, nameCard: m.profile.nameCard, muteUntil: until > now ? until : 0, appMemberDefinedData: m.profile.appMemberDefinedData };
    }),
  };
}

const contactMarks = (v: ContactView) => ({ conversationId: v.conversationId, bits: v.bits, custom: v.custom, groupIds: v.groupIds, time: v.time });
const statusView = (a: StatusAnswer) => ({ statuses: a.statuses.map((s) => ({ userId: s.userId, status: s.status })), errors: a.errors });
const contactResults = (o: ContactChangeOutcome) => o.results.map((r) => ({ conversationId: r.conversationId, code: r.code }));

/** Op name → handler. A Map: op names come off the wire, and `__proto__` or `toString` must find nothing. */
export const CLIENT_OPS: ReadonlyMap<string, OpHandler> = new Map([
  clientOp(Op.SendC2C, {
    args: sendC2CArgs,
    runs: sendC2CCommand,
    input: (a) => ({ to: a.to, body: a.body, cloudCustomData: a.cloudCustomData, random: a.random, msgSeq: a.msgSeq, onlineOnly: a.onlineOnly, needReadReceipt: a.needReadReceipt, offlinePush: a.offlinePush }),
    output: (r) => ({ msgKey: r.msgKey, time: r.time, seq: r.seq, ...(r.own ? { entry: forClients(r.own) } : {}) }),
  }),
  clientOp(Op.SendGroup, { args: sendGroupArgs, runs: groupSendCommand, input: (a) => a }),
  clientOp(Op.Sync, { args: syncArgs, runs: syncInboxCommand, input: (a) => a }),
  clientOp(Op.GroupPull, { args: groupPullArgs, runs: pullGroupCommand, input: (a) => a }),
  clientOp(Op.BroadcastPull, { args: syncArgs, runs: pullBroadcastCommand, input: (a) => a }),
  clientOp(Op.Groups, { args: groupsArgs, runs: myGroupsCommand, input: () => ({}) }),
  // The caller is the owner: no owner is passed.
  clientOp(Op.CreateGroup, {
    args: createGroupArgs,
    runs: createGroupCommand,
    input: (a) => ({
      type: a.type,
      name: a.name,
      groupId: a.groupId,
      introduction: a.introduction,
      notification: a.notification,
      faceUrl: a.faceUrl,
      applyJoinOption: a.applyJoinOption,
      inviteJoinOption: a.inviteJoinOption,
      appDefinedData: a.appDefinedData,
      members: a.members?.map((m) => ({ userId: m.userId, role: m.role })),
    }),
  }),
  clientOp(Op.InviteToGroup, { args: inviteArgs, runs: addMembersCommand, input: (a) => ({ groupId: a.groupId, userIds: a.userIds }) }),
  clientOp(Op.KickFromGroup, { args: kickArgs, runs: deleteMembersCommand, input: (a) => ({ groupId: a.groupId, userIds: a.userIds, reason: a.reason }) }),
  clientOp(Op.QuitGroup, { args: quitArgs, runs: quitGroupCommand, input: (a) => a }),
  clientOp(Op.JoinGroup, { args: joinArgs, runs: joinGroupCommand, input: (a) => a }),
  clientOp(Op.GroupInfo, { args: groupInfoArgs, runs: groupViewCommand, input: (a) => a }),
  clientOp(Op.ModifyGroup, { args: modifyGroupArgs, runs: modifyInfoCommand, input: (a) => a }),
  clientOp(Op.ModifyGroupMember, { args: modifyGroupMemberArgs, runs: modifyMemberCommand, input: (a) => a }),
  clientOp(Op.MuteInGroup, { args: muteArgs, runs: muteCommand, input: (a) => a }),
  clientOp(Op.GroupMuted, { args: mutedArgs, runs: mutedCommand, input: (a) => a, output: (muted) => ({ muted }) }),
  clientOp(Op.GroupMembers, { args: groupMembersArgs, runs: membersCommand, input: (a) => a, output: membersResult }),
  clientOp(Op.TransferGroup, { args: transferArgs, runs: changeOwnerCommand, input: (a) => a }),
  clientOp(Op.DismissGroup, { args: dismissArgs, runs: destroyGroupCommand, input: (a) => a }),
  clientOp(Op.RecallInGroup, { args: recallArgs, runs: recallCommand, input: (a) => a, output: (results) => ({ results }) }),
  clientOp(Op.GroupApplications, { args: groupApplicationsArgs, runs: groupApplicationsCommand, input: (a) => a }),
  clientOp(Op.ReadGroupApplications, { args: readGroupApplicationsArgs, runs: readGroupApplicationsCommand, input: (a) => a }),
  clientOp(Op.AcceptGroupApplication, { args: decideApplicationArgs, runs: decideApplicationCommand, input: (a) => ({ ...a, accept: true }) }),
  clientOp(Op.RefuseGroupApplication, { args: decideApplicationArgs, runs: decideApplicationCommand, input: (a) => ({ ...a, accept: false }) }),
  clientOp(Op.SetProfile, { args: setProfileArgs, runs: setProfileCommand, input: (a) => ({ items: a.items }) }),
  clientOp(Op.GetProfiles, { args: getProfilesArgs, runs: getProfilesCommand, output: (profiles) => ({ profiles }), input: (a) => a }),
  clientOp(Op.AddFriends, { args: addFriendsArgs, runs: friendAddCommand, output: (results) => ({ results }), input: (a) => ({ items: a.items, addType: a.addType }) }),
  clientOp(Op.FriendRequests, { args: friendRequestsArgs, runs: friendRequestsCommand, input: (a) => a }),
  clientOp(Op.RespondFriends, { args: respondFriendsArgs, runs: friendRespondCommand, output: (results) => ({ results }), input: (a) => a }),
  clientOp(Op.Friends, { args: friendsArgs, runs: friendGetCommand, input: (a) => ({ startIndex: a.startIndex ?? 0 }) }),
  clientOp(Op.DeleteFriends, { args: deleteFriendsArgs, runs: friendDeleteCommand, output: (results) => ({ results }), input: (a) => a }),
  clientOp(Op.CheckFriends, { args: checkFriendsArgs, runs: friendCheckCommand, output: (r) => ({ results: r.map((x) => ({ to: x.to, relation: x.relation })) }), input: (a) => a }),
  clientOp(Op.AddToBlacklist, { args: blacklistArgs, runs: blacklistAddCommand, output: (results) => ({ results }), input: (a) => a }),
  clientOp(Op.RemoveFromBlacklist, { args: blacklistArgs, runs: blacklistDeleteCommand, output: (results) => ({ results }), input: (a) => a }),
  clientOp(Op.Blacklist, { args: blacklistPageArgs, runs: blacklistGetCommand, input: (a) => ({ startIndex: a.startIndex ?? 0, maxLimited: a.limit ?? 100 }) }),
  clientOp(Op.UpdateFriends, {
    args: updateFriendsArgs,
    runs: friendUpdateCommand,
    output: (results) => ({ results }),
    input: (a) => ({ items: a.items.map((i) => ({ to: i.to, items: i.tags.map((t) => ({ tag: t.Tag, value: t.Value })) })) }),
  }),
  clientOp(Op.DeleteAllFriends, { args: deleteAllFriendsArgs, runs: friendDeleteAllCommand, input: (a) => a }),
  clientOp(Op.AddFriendGroups, { args: addFriendGroupsArgs, runs: friendGroupAddCommand, output: (o) => ({ sequence: o.sequence, ...(o.items ? { results: o.items } : {}) }), input: (a) => a }),
  clientOp(Op.DeleteFriendGroups, { args: deleteFriendGroupsArgs, runs: friendGroupDeleteCommand, input: (a) => a }),
  clientOp(Op.FriendGroups, {
    args: friendGroupsArgs,
    runs: friendGroupGetCommand,
    output: (o) => ({ sequence: o.sequence, groups: o.groups.map((g) => ({ name: g.name, friendNumber: g.friendNumber, ...(g.friends ? { friends: g.friends } : {}) })) }),
    input: (a) => ({ names: a.names, needFriend: true }),
  }),
  clientOp(Op.ReadFriendRequests, { args: readFriendRequestsArgs, runs: readFriendRequestsCommand, input: (a) => a }),
  clientOp(Op.DeleteFriendRequests, { args: deleteFriendRequestsArgs, runs: deleteFriendRequestsCommand, output: (results) => ({ results }), input: (a) => a }),
  clientOp(Op.SearchUsers, { args: searchUsersArgs, runs: searchUsersCommand, input: (a) => a }),
  clientOp(Op.RecallC2C, { args: recallC2CArgs, runs: recallC2CCommand, input: (a) => a }),
  clientOp(Op.DeleteC2C, { args: deleteC2CArgs, runs: deleteC2CCommand, input: (a) => a }),
  clientOp(Op.UserStatus, { args: userStatusArgs, runs: queryStatusCommand, input: (a) => ({ userIds: a.userIds }), output: statusView }),
  clientOp(Op.Conversations, { args: conversationsArgs, runs: listConversationsCommand, input: (a) => a }),
  clientOp(Op.ReadConversation, { args: readConversationArgs, runs: readConversationCommand, input: (a) => a, output: () => undefined }),
  clientOp(Op.PinConversation, { args: pinConversationArgs, runs: pinConversationCommand, input: (a) => a }),
  clientOp(Op.DeleteConversation, { args: deleteConversationArgs, runs: deleteConversationCommand, input: (a) => a }),
  clientOp(Op.UnreadCounts, { args: unreadCountsArgs, runs: unreadCountsCommand, input: (a) => a, output: (a) => ({ total: a.total, c2c: a.c2c, group: a.group, ...(a.peers ? { peers: a.peers } : {}) }) }),
  clientOp(Op.Contacts, { args: contactsArgs, runs: listContactsCommand, input: () => ({ limit: 1000 }), output: (o: ContactPage) => ({ groups: o.groups, conversations: o.conversations.map(contactMarks) }) }),
  clientOp(Op.CreateContactGroup, { args: createContactGroupArgs, runs: createContactGroupCommand, input: (a) => a, output: (o) => ({ group: o.groups[0], results: contactResults(o) }) }),
  clientOp(Op.DeleteContactGroups, { args: deleteContactGroupsArgs, runs: deleteContactGroupsCommand, input: (a) => a, output: (o) => ({ groups: o.groups }) }),
  clientOp(Op.RenameContactGroup, { args: renameContactGroupArgs, runs: updateContactGroupCommand, input: (a) => ({ kind: 'rename' as const, ...a }), output: (o) => o.groups[0] }),
  clientOp(Op.ContactGroupConversations, {
    args: contactGroupConversationsArgs,
    runs: updateContactGroupCommand,
    input: (a) => ({ kind: 'conversations' as const, name: a.name, items: [...(a.add ?? []).map((conversationId) => ({ conversationId, remove: false })), ...(a.remove ?? []).map((conversationId) => ({ conversationId, remove: true }))] }),
    output: (o) => ({ group: o.groups[0], results: contactResults(o) }),
  }),
  clientOp(Op.MarkConversations, {
    args: markConversationsArgs,
    runs: markContactsCommand,
    input: (a) => ({ items: a.items.map((i) => ({ conversationId: i.conversationId, ...(i.set ? { set: i.set } : {}), ...(i.clear ? { clear: i.clear } : {}), ...(i.customMark !== undefined ? { custom: i.customMark } : {}) })) }),
    output: (o: ContactChangeOutcome) => ({ results: contactResults(o) }),
  }),
  clientOp(Op.ReadGroupReceipts, { args: readGroupReceiptsArgs, runs: readReceiptCommand, input: (a) => a }),
  clientOp(Op.GroupReceipts, { args: groupReceiptsArgs, runs: receiptCountsCommand, input: (a) => a, output: (receipts) => ({ receipts }) }),
  clientOp(Op.GroupReceiptMembers, { args: groupReceiptMembersArgs, runs: receiptMembersCommand, input: (a) => a, output: (p) => ({ userIds: p.userIds, cursor: p.cursor }) }),
  clientOp(Op.ReadC2CReceipts, { args: readC2CReceiptsArgs, runs: c2cReadReceiptCommand, input: (a) => a }),
  clientOp(Op.RegisterPush, { args: registerPushArgs, runs: registerPushCommand, input: (a) => a }),
  clientOp(Op.UnregisterPush, { args: unregisterPushArgs, runs: unregisterPushCommand, input: (a) => a }),
  clientOp(Op.PushDevices, { args: pushDevicesArgs, runs: pushDevicesCommand, input: () => ({}), output: (devices) => ({ devices }) }),
  clientOp(Op.SubscribeStatus, { args: subscribeStatusArgs, runs: subscribeStatusCommand, input: (a) => a, output: statusView }),
  clientOp(Op.UnsubscribeStatus, { args: unsubscribeStatusArgs, runs: unsubscribeStatusCommand, input: (a) => a }),
  clientOp(Op.PushConfig, { args: pushConfigArgs, runs: pushConfigCommand, input: () => ({}) }),
]);

const SEND_PATHS: ReadonlyMap<string, 'c2c' | 'group'> = new Map([
  [Op.SendC2C, 'c2c'],
  [Op.SendGroup, 'group'],
]);

/** Records one client operation: its duration by op and code, and for sends the send latency. */
export function observeOp(metrics: Metrics, op: string, code: number, seconds: number): void {
  metrics.clientOpDuration.observe({ op, code: String(code) }, seconds);
  const path = SEND_PATHS.get(op);
  if (path && code === 0) metrics.sendDuration.observe({ path, transport: 'client' }, seconds);
}
