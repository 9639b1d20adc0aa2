/**
 * What a before-callback's answer means (spec §7.2), as pure functions from the answer to a hook
 * decision. An answer that cannot be used (a rewrite with an invalid MsgBody, a malformed
 * RefusedMembers_Account) is reported as `unusable` and treated like a failed callback.
 */
import { C2C_BODY_ERRORS, GROUP_BODY_ERRORS, checkMsgBody } from '../../im/message-body.ts';
import type { Decision, InviteDecision, ItemsDecision, SendDecision } from '../../im/hooks.ts';
import { prevCallbackVeto } from '../../im/sns/friend-rules.ts';
import { type ImError, appCodeError, codeFits, imError, isImError } from '../../protocol/errors.ts';
import type { CallbackAnswer } from './callback-client.ts';
import type { BeforeCommand } from '../../protocol/callback-commands.ts';

export type Mapped<D> = { readonly decision: D } | { readonly unusable: string };

/**
 * The error a non-zero answer gives the caller: 1 is the generic veto (20006 for C2C, 10016 for
 * groups), a code in the app range (120001–130000 C2C, 10100–10200 groups) reaches the caller with
 * the answer's ErrorInfo. Any other code is a veto too: the app server did not say yes.
 */
export function vetoOf(command: BeforeCommand, a: CallbackAnswer): ImError {
  if (command === 'C2C.CallbackBeforeSendMsg') {
    return codeFits('C2CCallbackAppError', a.ErrorCode) ? appCodeError('C2CCallbackAppError', a.ErrorCode, a.ErrorInfo) : imError('C2CCallbackRejected');
  }
  return codeFits('GroupCallbackAppError', a.ErrorCode) ? appCodeError('GroupCallbackAppError', a.ErrorCode, a.ErrorInfo) : imError('GroupCallbackRejected', { command });
}

/**
 * A send's answer: 0 allows (a `MsgBody` and/or `CloudCustomData` in the answer rewrite the
 * message, checked like a sent body), 2 drops the message silently, anything else vetoes.
 */
export function sendDecisionOf(
  command: 'C2C.CallbackBeforeSendMsg' | 'Group.CallbackBeforeSendMsg',
  a: CallbackAnswer,
  current: { readonly cloudCustomData?: string },
  maxMsgBytes: number,
): Mapped<SendDecision> {
  if (a.ErrorCode === 2) return { decision: { action: 'drop' } };
  if (a.ErrorCode !== 0) return { decision: { action: 'reject', error: vetoOf(command, a) } };
  if (a.MsgBody === undefined && a.CloudCustomData === undefined) return { decision: { action: 'allow' } };
  if (a.CloudCustomData !== undefined && typeof a.CloudCustomData !== 'string') return { unusable: 'CloudCustomData in the answer is not a string' };
  const cloudCustomData = a.CloudCustomData ?? current.cloudCustomData;
  if (a.MsgBody === undefined) return { decision: { action: 'rewrite', cloudCustomData } };
  try {
    const body = checkMsgBody(a.MsgBody, cloudCustomData, maxMsgBytes, command === 'C2C.CallbackBeforeSendMsg' ? C2C_BODY_ERRORS : GROUP_BODY_ERRORS);
    return { decision: { action: 'rewrite', body, cloudCustomData } };
  } catch (e) {
    if (isImError(e)) return { unusable: `MsgBody in the answer: ${e.info}` };
    throw e;
  }
}

/** Group create and apply-join: 0 allows, anything else vetoes. */
export function decisionOf(command: BeforeCommand, a: CallbackAnswer): Decision {
  return a.ErrorCode === 0 ? { action: 'allow' } : { action: 'reject', error: vetoOf(command, a) };
}

/** An invitation: 0 allows, minus the invitees listed in `RefusedMembers_Account`; anything else vetoes the whole request. */
export function inviteDecisionOf(a: CallbackAnswer): Mapped<InviteDecision> {
  if (a.ErrorCode !== 0) return { decision: { action: 'reject', error: vetoOf('Group.CallbackBeforeInviteJoinGroup', a) } };
  const refused = a.RefusedMembers_Account;
  if (refused === undefined) return { decision: { action: 'allow' } };
  if (!Array.isArray(refused) || !refused.every((x): x is string => typeof x === 'string')) {
    return { unusable: 'RefusedMembers_Account in the answer is not an array of strings' };
  }
  return { decision: { action: 'allow', refused } };
}

/**
 * A Sns.CallbackPrev* answer (spec §7.2): ErrorCode 0 with a `ResultItem` per account, whose
 * non-zero `ResultCode` refuses that item (38000–39000 passed on, any other as 38000); items the
 * answer leaves out go on. A non-zero ErrorCode refuses every item the same way.
 */
export function itemsDecisionOf(a: CallbackAnswer): Mapped<ItemsDecision> {
  const whole = prevCallbackVeto(a.ErrorCode, a.ErrorInfo);
  if (whole) return { decision: { action: 'reject', error: whole } };
  const items = a.ResultItem;
  if (items === undefined) return { decision: { action: 'allow' } };
  const valid = Array.isArray(items) && items.every((i) => typeof i === 'object' && i !== null && typeof (i as { To_Account?: unknown }).To_Account === 'string' && Number.isInteger((i as { ResultCode?: unknown }).ResultCode));
  if (!valid) return { unusable: 'ResultItem in the answer is not a list of {To_Account, ResultCode, ResultInfo}' };
  const refused = new Map<string, ImError>();
  for (const i of items as { To_Account: string; ResultCode: number; ResultInfo?: unknown }[]) {
    const veto = prevCallbackVeto(i.ResultCode, typeof i.ResultInfo === 'string' ? i.ResultInfo : '');
    if (veto) refused.set(i.To_Account, veto);
  }
  return { decision: { action: 'allow', refused } };
}
