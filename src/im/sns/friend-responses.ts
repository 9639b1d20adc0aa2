/**
 * Answering a pending friend request (the client's response to a request of friend_add, spec §6.3;
 * Tencent documents no REST command for it, spec §9 q.15) as a pure function over the state of the
 * requester A and the responder B.
 */
import { type ImError, imError } from '../../protocol/errors.ts';
import { checkGroupName, checkRemark } from './friend-fields.ts';
import { type FriendGroupKey, type FriendLinkSpec, type FriendRequestSpec, type PendingKey, type ResponseAction, SNS_LIMITS, type SnsLimits } from './friend-rules.ts';

/** One answer of B (the responder) to A's request: Tencent's ResponseFriendItem. */
export interface FriendResponseItem {
  /** The requester, A. */
  readonly to: string;
  readonly action: ResponseAction;
  /** B's remark for A and B's group for A (TagName), used by AgreeAndAdd. */
  readonly remark?: string;
  readonly tagName?: string;
}

/** What answering reads: A's request to B (undefined when there is none) and both sides' lists. */
export interface FriendResponseState {
  readonly request: FriendRequestSpec | undefined;
  readonly requesterHasResponder: boolean;
  readonly responderHasRequester: boolean;
  readonly requesterFriendCount: number;
  readonly responderFriendCount: number;
  readonly requesterGroups: readonly string[];
  readonly responderGroups: readonly string[];
  /** B had itself asked A (so B→A being created fulfils it). */
  readonly pendingResponderToRequester: boolean;
}

export interface FriendResponseInput {
  readonly responder: string;
  readonly item: FriendResponseItem;
  readonly state: FriendResponseState;
}

export type FriendResponseOutcome =
  | { readonly kind: 'refused'; readonly error: ImError }
  | { readonly kind: 'rejected'; readonly dropPending: readonly PendingKey[] }
  | { readonly kind: 'added'; readonly links: readonly FriendLinkSpec[]; readonly createsGroups: readonly FriendGroupKey[]; readonly dropPending: readonly PendingKey[] };

/**
 * B answers A's pending request (Tencent's SDK semantics, spec §6.3):
 *  - Response_Action_Agree: A→B only — B becomes A's friend, A is not (yet) B's ("同意添加单向好友");
 *  - Response_Action_AgreeAndAdd: A→B and B→A, B's side with the answer's Remark and TagName;
 *  - Response_Action_Reject: nothing is added; the request is dropped.
 * The request's AddType does not matter: the responder chooses. Checks, in order: Remark/TagName
 * (30001); no request from A (30614); then, for agreements, A's list full (30014, the peer from B's
 * side), B's list full for AgreeAndAdd (30010), B's TagName past its 32 groups (30011). A's own
 * GroupName from the request is created if A still has room, else A→B is added without it (A is not
 * the one answering, so B gets no error for it). Directions that already exist are left as they are.
 */
export function decideFriendResponse(input: FriendResponseInput, limits: SnsLimits = SNS_LIMITS): FriendResponseOutcome {
  const { responder, item, state: s } = input;
  const requester = item.to;
  const bad = checkRemark(item.remark) ?? (item.tagName ? checkGroupName(item.tagName, 'TagName') : undefined);
  if (bad) return { kind: 'refused', error: bad };
  const req = s.request;
  if (!req) return { kind: 'refused', error: imError('SnsPendingNotFound', { userId: requester, peer: responder }) };
  const dropPending: PendingKey[] = [{ from: requester, to: responder }];
  if (item.action === 'Response_Action_Reject') return { kind: 'rejected', dropPending };
  const both = item.action === 'Response_Action_AgreeAndAdd';
  const wantAB = !s.requesterHasResponder;
  const wantBA = both && !s.responderHasRequester;
  if (wantAB && s.requesterFriendCount >= limits.friends) return { kind: 'refused', error: imError('SnsPeerFriendLimit', { userId: requester, max: limits.friends }) };
  if (wantBA && s.responderFriendCount >= limits.friends) return { kind: 'refused', error: imError('SnsFriendLimit', { userId: responder, max: limits.friends }) };
  const tag = wantBA && item.tagName ? item.tagName : undefined;
  const newTag = tag !== undefined && !s.responderGroups.includes(tag);
  if (newTag && s.responderGroups.length >= limits.friendGroups) {
    return { kind: 'refused', error: imError('SnsFriendGroupLimit', { userId: responder, count: s.responderGroups.length + 1, max: limits.friendGroups }) };
  }
  const reqGroup = req.groupName;
  const reqGroupFits = reqGroup !== undefined && (s.requesterGroups.includes(reqGroup) || s.requesterGroups.length < limits.friendGroups);
  const links: FriendLinkSpec[] = [];
  const createsGroups: FriendGroupKey[] = [];
  if (wantAB) {
    links.push({ owner: requester, friend: responder, remark: req.remark, groups: reqGroupFits ? [reqGroup] : [], addSource: req.addSource, addWording: req.addWording });
    if (reqGroupFits && !s.requesterGroups.includes(reqGroup)) createsGroups.push({ owner: requester, name: reqGroup });
  }
  if (wantBA) {
    links.push({ owner: responder, friend: requester, remark: item.remark ?? '', groups: tag !== undefined ? [tag] : [], addSource: req.addSource, addWording: req.addWording });
    if (newTag) createsGroups.push({ owner: responder, name: tag });
    if (s.pendingResponderToRequester) dropPending.push({ from: responder, to: requester });
  }
  return { kind: 'added', links, createsGroups, dropPending };
}
