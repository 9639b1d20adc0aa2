/** Group message send: message checks here; membership, mute, SEQ and fan-out in the group actor. */
import { imError } from '../../protocol/errors.ts';
import type { GroupMessage } from '../../protocol/entries.ts';
import type { GroupSendResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { randomU32 } from '../ids.ts';
import { GROUP_BODY_ERRORS, checkMsgBody } from '../message-body.ts';

export interface SendGroupInput {
  readonly groupId: string;
  /** Sender shown to members; admins may name any existing account. */
  readonly from: string;
  readonly random?: number;
  readonly body: unknown;
  readonly cloudCustomData?: string;
  readonly priority?: GroupMessage['priority'];
  readonly onlineOnly?: boolean;
  readonly forbidBeforeCallback?: boolean;
  readonly forbidAfterCallback?: boolean;
}

export async function sendGroupMessage(ctx: ImContext, caller: Caller, input: SendGroupInput): Promise<GroupSendResult> {
  const body = checkMsgBody(input.body, input.cloudCustomData, ctx.limits.maxMsgBytes, GROUP_BODY_ERRORS);
  if (caller.kind === 'admin' && input.from !== caller.userId) {
    if (!(await ctx.accounts.exists(input.from))) throw imError('GroupMemberAccountNotFound', { userId: input.from });
  }
  return ctx.actors.group(input.groupId).call('sendMessage', {
    caller,
    from: input.from,
    random: input.random ?? randomU32(),
    body,
    cloudCustomData: input.cloudCustomData,
    priority: input.priority ?? 'Normal',
    onlineOnly: input.onlineOnly ?? false,
    forbidBeforeCallback: input.forbidBeforeCallback ?? false,
    forbidAfterCallback: input.forbidAfterCallback ?? false,
  });
}
