/** Group message send: message checks here; membership, mute, SEQ and fan-out in the group actor. */
import { imError } from '../../protocol/errors.ts';
import type { GroupAt, GroupMessage } from '../../protocol/entries.ts';
import type { GroupSendResult, GroupSendSpec } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { randomU32 } from '../ids.ts';
import { GROUP_BODY_ERRORS, checkMsgBody } from '../message-body.ts';
import { requireGroupId } from './group-id.ts';

export interface SendGroupInput {
  readonly groupId: string;
  /** Sender shown to members; admins may name any existing account. */
  readonly from: string;
  readonly random?: number;
  readonly body: unknown;
  readonly cloudCustomData?: string;
  readonly priority?: GroupMessage['priority'];
  readonly onlineOnly?: boolean;
  /** GroupAtInfo in the order of the text: everyone (`all`) or one account. */
  readonly atInfo?: readonly { readonly all: boolean; readonly userId?: string }[];
  readonly forbidBeforeCallback?: boolean;
  readonly forbidAfterCallback?: boolean;
}

/** Tencent allows at most 30 mentions in one message (10053). */
export const MAX_GROUP_ATS = 30;

function checkAtInfo(list: SendGroupInput['atInfo']): GroupAt[] | undefined {
  if (!list || list.length === 0) return undefined;
  if (list.length > MAX_GROUP_ATS) throw imError('GroupTooManyAts', { count: list.length, max: MAX_GROUP_ATS });
  return list.map((a, i): GroupAt => {
    if (a.all) return { all: true };
    if (!a.userId) throw imError('GroupInvalidParam', { detail: `GroupAtInfo[${i}] needs GroupAt_Account when GroupAtAllFlag is 0` });
    return { userId: a.userId };
  });
}

export async function sendGroupMessage(ctx: ImContext, caller: Caller, input: SendGroupInput): Promise<GroupSendResult> {
  requireGroupId(input.groupId);
  const body = checkMsgBody(input.body, input.cloudCustomData, ctx.limits.maxMsgBytes, GROUP_BODY_ERRORS);
  const atInfo = checkAtInfo(input.atInfo);
  if (caller.kind === 'admin' && input.from !== caller.userId) {
    if (!(await ctx.accounts.exists(input.from))) throw imError('GroupMemberAccountNotFound', { userId: input.from });
  }
  const spec: GroupSendSpec = {
    caller,
    from: input.from,
    random: input.random ?? randomU32(),
    body,
    cloudCustomData: input.cloudCustomData,
    priority: input.priority ?? 'Normal',
    onlineOnly: input.onlineOnly ?? false,
    ...(atInfo ? { atInfo } : {}),
    forbidBeforeCallback: input.forbidBeforeCallback ?? false,
    forbidAfterCallback: input.forbidAfterCallback ?? false,
  };
  return ctx.actors.group(input.groupId).call({ op: 'sendMessage', spec });
}
