/** Group message send: message checks here; membership, mute, SEQ and fan-out in the group actor. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import type { GroupAt } from '../../protocol/entries.ts';
import { offlinePushInfo } from '../../protocol/push.ts';
import type { GroupSendResult, GroupSendSpec } from '../actor-api.ts';
import { senderOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import { randomU32 } from '../ids.ts';
import { GROUP_BODY_ERRORS, checkContent } from '../message-body.ts';
import { requireGroupId } from './group-id.ts';

const groupSendInput = z.object({
  groupId: z.string(),
  /** Sender shown to members: the caller; an App admin may name any existing account. */
  from: z.string().optional(),
  random: z.number().default(randomU32),
  body: z.unknown(),
  cloudCustomData: z.string().optional(),
  priority: z.enum(['High', 'Normal', 'Low', 'Lowest']).default('Normal'),
  onlineOnly: z.boolean().default(false),
  /** GroupAtInfo in the order of the text: everyone (`all`) or one account. */
  atInfo: z.array(z.object({ all: z.boolean(), userId: z.string().optional() })).optional(),
  /** Targeted receivers (To_Account): only they and the sender see the message. */
  to: z.array(z.string()).optional(),
  forbidBeforeCallback: z.boolean().default(false),
  forbidAfterCallback: z.boolean().default(false),
  /** Tencent IsNeedReadReceipt: members report reading it (Work, Public and Meeting groups). */
  needReadReceipt: z.boolean().default(false),
  /** Tencent OfflinePushInfo: how members who are not online are notified. */
  offlinePush: offlinePushInfo('GroupInvalidParam').optional(),
});
type SendGroupInput = z.output<typeof groupSendInput>;

/** Tencent allows at most 30 mentions in one message (10053). */
export const MAX_GROUP_ATS = 30;

/** GroupAtInfo as the group's mentions (at most 30, each everyone or one account). */
function mentionsOf(list: SendGroupInput['atInfo']): GroupAt[] | undefined {
  if (!list || list.length === 0) return undefined;
  if (list.length > MAX_GROUP_ATS) throw imError('GroupTooManyAts', { count: list.length, max: MAX_GROUP_ATS });
  return list.map((a, i): GroupAt => {
    if (a.all) return { all: true };
    if (!a.userId) throw imError('GroupInvalidParam', { detail: `GroupAtInfo[${i}] needs GroupAt_Account when GroupAtAllFlag is 0` });
    return { userId: a.userId };
  });
}

/** `group.send` (REST send_group_msg, client `group.send`). */
export const groupSendCommand = defineCommand({
  name: 'group.send',
  callers: ['admin', 'user'],
  owner: 'group',
  input: groupSendInput,
  run: async (ctx, caller, input): Promise<GroupSendResult> => {
    requireGroupId(input.groupId);
    const body = checkContent(ctx, input.body, input.cloudCustomData, GROUP_BODY_ERRORS);
    const atInfo = mentionsOf(input.atInfo);
    const from = senderOf(caller, input.from);
    if (caller.kind === 'admin' && from !== caller.userId && !(await ctx.accounts.exists(from))) {
      throw imError('GroupMemberAccountNotFound', { userId: from });
    }
    // A client's send under a global mute (setnospeaking) fails before the group is asked (and its before-callback); REST sends skip it.
    if (caller.kind === 'user' && (ctx.accounts.peekMutes(from) ?? (await ctx.accounts.mutes(from))).groupUntil > ctx.now()) throw imError('GroupSenderGloballyMuted', { userId: from });
    const spec: GroupSendSpec = {
      caller,
      from,
      senderProfile: ctx.senderProfiles.peek(from) ?? (await ctx.senderProfiles.load(from)),
      random: input.random,
      body,
      cloudCustomData: input.cloudCustomData,
      priority: input.priority,
      onlineOnly: input.onlineOnly,
      ...(atInfo ? { atInfo } : {}),
      ...(input.to && input.to.length > 0 ? { to: [...new Set(input.to)] } : {}),
      forbidBeforeCallback: input.forbidBeforeCallback,
      forbidAfterCallback: input.forbidAfterCallback,
      ...(input.needReadReceipt ? { needReadReceipt: true } : {}),
      ...(input.offlinePush ? { offlinePush: input.offlinePush } : {}),
    };
    return ctx.actors.group(input.groupId).call({ op: 'sendMessage', spec });
  },
});
