/**
 * The before-hooks as Tencent before-callbacks: each asks the app server over HTTP and turns its
 * answer into a decision (before-answers.ts). A command that is not switched on is not called and
 * allows. When the app server does not answer usably within the timeout, the action proceeds
 * (fail-open, Tencent's default) or is rejected with 80003 (fail-closed).
 */
import type { Logger } from 'pino';
import type { Decision, Hooks, InviteDecision, ItemsDecision, SendDecision } from '../../im/hooks.ts';
import { imError } from '../../protocol/errors.ts';
import { type Mapped, decisionOf, inviteDecisionOf, itemsDecisionOf, sendDecisionOf } from './before-answers.ts';
import type { CallbackAnswer, CallbackClient } from './callback-client.ts';
import type { BeforeCommand } from '../../protocol/callback-commands.ts';
import {
  type Payload,
  beforeApplyJoinPayload,
  beforeFriendAddPayload,
  beforeFriendResponsePayload,
  beforeC2CSendPayload,
  beforeCreateGroupPayload,
  beforeGroupSendPayload,
  beforeInvitePayload,
} from './payloads.ts';
import { type Caller, originOf } from '../../im/caller.ts';

export interface CallbackHooksOptions {
  readonly client: CallbackClient;
  /** Commands switched on; the others allow without a request. */
  readonly enabled: ReadonlySet<string>;
  /** On a failed or unusable callback: reject with 80003 (true) or proceed (false). */
  readonly failClosed: boolean;
  /** Limit a rewritten message must respect, bytes. */
  readonly maxMsgBytes: number;
  /** Unix ms, for EventTime. */
  readonly now: () => number;
  readonly log: Logger;
}

/** The Hooks port as the callbacks feature provides it. */
export type CallbackHooks = Hooks;

const ALLOW = { action: 'allow' } as const;
type Reject = Extract<Decision, { action: 'reject' }>;

export function callbackHooks(o: CallbackHooksOptions): CallbackHooks {
  /** Asks the app server and maps its answer; undefined when the command is off. Never rejects. */
  async function ask<D extends SendDecision | InviteDecision | ItemsDecision>(command: BeforeCommand, payload: Payload, caller: Caller, map: (a: CallbackAnswer) => Mapped<D>): Promise<D | Reject | typeof ALLOW> {
    if (!o.enabled.has(command)) return ALLOW;
    const outcome = await o.client.send({ command, payload, ...originOf(caller) });
    const mapped: Mapped<D> = outcome.ok ? map(outcome.answer) : { unusable: outcome.reason };
    if ('decision' in mapped) return mapped.decision;
    o.log.warn({ command, reason: mapped.unusable, failClosed: o.failClosed }, 'before-callback failed');
    return o.failClosed ? { action: 'reject', error: imError('CallbackFailed', { command, detail: mapped.unusable }) } : ALLOW;
  }

  return {
    beforeC2CSend: (e) =>
      ask('C2C.CallbackBeforeSendMsg', beforeC2CSendPayload(e), e.caller, (a) => sendDecisionOf('C2C.CallbackBeforeSendMsg', a, e.message, o.maxMsgBytes)),
    beforeGroupSend: (e) =>
      ask('Group.CallbackBeforeSendMsg', beforeGroupSendPayload(e, o.now()), e.caller, (a) => sendDecisionOf('Group.CallbackBeforeSendMsg', a, e.message, o.maxMsgBytes)),
    beforeCreateGroup: (e) =>
      ask('Group.CallbackBeforeCreateGroup', beforeCreateGroupPayload(e, o.now()), e.caller, (a) => ({ decision: decisionOf('Group.CallbackBeforeCreateGroup', a) })),
    // Nobody new to invite (all already members): nothing to ask.
    beforeInvite: async (e) =>
      e.members.length === 0 ? ALLOW : ask('Group.CallbackBeforeInviteJoinGroup', beforeInvitePayload(e, o.now()), e.caller, inviteDecisionOf),
    beforeApplyJoin: (e) =>
      ask('Group.CallbackBeforeApplyJoinGroup', beforeApplyJoinPayload(e, o.now()), e.caller, (a) => ({ decision: decisionOf('Group.CallbackBeforeApplyJoinGroup', a) })),
    beforeFriendAdd: (e) => ask('Sns.CallbackPrevFriendAdd', beforeFriendAddPayload(e, o.now()), e.caller, itemsDecisionOf),
    beforeFriendResponse: (e) => ask('Sns.CallbackPrevFriendResponse', beforeFriendResponsePayload(e, o.now()), e.caller, itemsDecisionOf),
  };
}
