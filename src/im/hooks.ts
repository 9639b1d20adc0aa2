/**
 * Before-hooks: synchronous decisions an app server takes on an action before Parley carries it out
 * (Tencent's before-callbacks, spec §7.2). Each hook takes one event object and returns one result,
 * so adding a field never breaks a signature. Parley calls them only where Tencent does: a hook is
 * skipped when the sender asked (`ForbidBeforeSendMsgCallback`) or for admin-only paths Tencent
 * exempts (batchsendmsg, imports).
 */
import type { ImError } from '../protocol/errors.ts';
import type { C2CMessage, GroupMessage, MsgElem } from '../protocol/entries.ts';
import type { Caller } from './caller.ts';

export type SendDecision =
  | { readonly action: 'allow' }
  /** Proceed with a replaced body and/or custom data. */
  | { readonly action: 'rewrite'; readonly body?: readonly MsgElem[]; readonly cloudCustomData?: string }
  /** Do not deliver, but tell the sender it succeeded (Tencent's ErrorCode 2). */
  | { readonly action: 'drop' }
  | { readonly action: 'reject'; readonly error: ImError };

export type Decision = { readonly action: 'allow' } | { readonly action: 'reject'; readonly error: ImError };

export interface BeforeC2CSendEvent {
  readonly caller: Caller;
  readonly message: C2CMessage;
  readonly onlineOnly: boolean;
}

export interface BeforeGroupSendEvent {
  readonly caller: Caller;
  readonly groupType: string;
  readonly message: GroupMessage;
  readonly onlineOnly: boolean;
}

export interface BeforeCreateGroupEvent {
  readonly caller: Caller;
  readonly groupType: string;
  readonly owner: string;
  readonly name: string;
  readonly members: readonly string[];
}

export interface BeforeInviteEvent {
  readonly caller: Caller;
  readonly groupId: string;
  readonly groupType: string;
  readonly members: readonly string[];
}

/** A user applies to join a group that needs approval (Group.CallbackBeforeApplyJoinGroup); allowed, the application still awaits the owner or an admin. */
export interface BeforeApplyJoinEvent {
  readonly caller: Caller;
  readonly groupId: string;
  readonly groupType: string;
}

/** An invitation may be refused for some invitees only. */
export type InviteDecision = Decision | { readonly action: 'allow'; readonly refused: readonly string[] };

/** A user's friend request (Sns.CallbackPrevFriendAdd), for the items the rules let through. */
export interface BeforeFriendAddEvent {
  readonly caller: Caller;
  readonly items: readonly { readonly to: string; readonly remark: string; readonly groupName: string; readonly addSource: string; readonly addWording: string }[];
  readonly addType: string;
}

/** A user's answers to friend requests (Sns.CallbackPrevFriendResponse), for the items the rules let through. */
export interface BeforeFriendResponseEvent {
  readonly caller: Caller;
  readonly items: readonly { readonly to: string; readonly action: string; readonly remark: string; readonly tagName: string }[];
}

/** Items allowed, but those `refused` names (account → the app server's error, 38000–39000). */
export type ItemsDecision = Decision | { readonly action: 'allow'; readonly refused: ReadonlyMap<string, ImError> };

export interface Hooks {
  beforeC2CSend(e: BeforeC2CSendEvent): Promise<SendDecision>;
  beforeGroupSend(e: BeforeGroupSendEvent): Promise<SendDecision>;
  beforeCreateGroup(e: BeforeCreateGroupEvent): Promise<Decision>;
  beforeInvite(e: BeforeInviteEvent): Promise<InviteDecision>;
  beforeApplyJoin(e: BeforeApplyJoinEvent): Promise<Decision>;
  beforeFriendAdd(e: BeforeFriendAddEvent): Promise<ItemsDecision>;
  beforeFriendResponse(e: BeforeFriendResponseEvent): Promise<ItemsDecision>;
}

const ALLOW = { action: 'allow' } as const;

/** Hooks that allow everything (no callback URL configured). */
export const ALLOW_ALL: Hooks = {
  beforeC2CSend: async () => ALLOW,
  beforeGroupSend: async () => ALLOW,
  beforeCreateGroup: async () => ALLOW,
  beforeInvite: async () => ALLOW,
  beforeApplyJoin: async () => ALLOW,
  beforeFriendAdd: async () => ALLOW,
  beforeFriendResponse: async () => ALLOW,
};
