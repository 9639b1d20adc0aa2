/**
 * The rules of friendships (Tencent's sns friend_add, friend_delete, friend_check; spec §3.4, §6.3)
 * as pure functions over the state of the two accounts involved, and the shapes their outcomes
 * share with friend-responses.ts. They decide; the actor that owns the accounts applies the outcome.
 *
 * Vocabulary: "A has B" (A→B) means B is in A's friend list. A requests, B is the peer.
 */
import { type ImError, appCodeError, codeFits, errors, imError } from '../../protocol/errors.ts';
import type { AllowTypeValue } from '../profiles/profile-tags.ts';
import { type AddFriendItem, FRIEND_EXISTS_INFO, checkAddFriendItem, snsInvalid } from './friend-fields.ts';

/**
 * The relationship-chain limits (DESIGN §8: enforced and configurable). Tencent's: 3000 friends,
 * 1000 blacklisted, 32 friend groups. Tencent states no number for pending requests; 1000 is Parley's.
 */
export interface SnsLimits {
  readonly friends: number;
  readonly blacklist: number;
  readonly friendGroups: number;
  /** Pending requests one account may have sent, and may have waiting on it. */
  readonly pendingRequests: number;
}
export const SNS_LIMITS: SnsLimits = { friends: 3000, blacklist: 1000, friendGroups: 32, pendingRequests: 1000 };

export type AddType = 'Add_Type_Single' | 'Add_Type_Both';
export type DeleteType = 'Delete_Type_Single' | 'Delete_Type_Both';
export type ResponseAction = 'Response_Action_Agree' | 'Response_Action_AgreeAndAdd' | 'Response_Action_Reject';
export type CheckType = 'CheckResult_Type_Single' | 'CheckResult_Type_Both';
export type FriendRelation = 'CheckResult_Type_BothWay' | 'CheckResult_Type_AWithB' | 'CheckResult_Type_BWithA' | 'CheckResult_Type_NoRelation';

/** One direction of a friendship: `owner`'s friend list holds `friend`. */
export interface FriendKey {
  readonly owner: string;
  readonly friend: string;
}
/** A pending friend request: `from` asked `to` to be put in `from`'s friend list. */
export interface PendingKey {
  readonly from: string;
  readonly to: string;
}
/** One direction to create, with the friend fields it starts with (Tag_SNS_IM_*; AddTime is stamped by the actor). */
export interface FriendLinkSpec extends FriendKey {
  readonly remark: string;
  readonly groups: readonly string[];
  readonly addSource: string;
  readonly addWording: string;
}
/** A friend group the outcome creates (group names are per owner). */
export interface FriendGroupKey {
  readonly owner: string;
  readonly name: string;
}
/** A request as recorded while it waits for the peer; what it carries becomes A's side of the friendship. */
export interface FriendRequestSpec extends PendingKey {
  readonly addType: AddType;
  readonly remark: string;
  readonly groupName?: string;
  readonly addSource: string;
  readonly addWording: string;
}

/** The state of A and B that friend_add reads. Counts are before this item. */
export interface FriendAddState {
  readonly aHasB: boolean;
  readonly bHasA: boolean;
  readonly aFriendCount: number;
  readonly bFriendCount: number;
  /** B is in A's blacklist. */
  readonly aBlacklistsB: boolean;
  /** A is in B's blacklist. */
  readonly bBlacklistsA: boolean;
  readonly bAllowType: AllowTypeValue;
  /** A's Tag_Profile_IM_AdminForbidType is AdminForbid_Type_SendOut. */
  readonly aForbidden: boolean;
  /** A's friend group names. */
  readonly aGroups: readonly string[];
  /** Requests A sent that are still pending, and requests pending on B. */
  readonly aPendingOut: number;
  readonly bPendingIn: number;
  readonly pendingAToB: boolean;
  readonly pendingBToA: boolean;
}

export interface FriendAddInput {
  readonly from: string;
  readonly item: AddFriendItem;
  readonly addType: AddType;
  /** ForceAddFlags 1: ignore B's AllowType (and nothing else). Only the App admin (REST) may set it. */
  readonly force: boolean;
  readonly state: FriendAddState;
}

export type FriendAddOutcome =
  | { readonly kind: 'refused'; readonly error: ImError }
  /** Recorded for B to answer; reported per item as `result` (30539). `replaces` an earlier request from A to B. */
  | { readonly kind: 'pending'; readonly request: FriendRequestSpec; readonly replaces: boolean; readonly result: ImError }
  | { readonly kind: 'added'; readonly links: readonly FriendLinkSpec[]; readonly createsGroups: readonly FriendGroupKey[]; readonly dropPending: readonly PendingKey[] };

const refused = (error: ImError): FriendAddOutcome => ({ kind: 'refused', error });

/**
 * The outcome of one friend_add item. Checks, in order, the first failing one deciding:
 *  1. the item's fields (30001; adding oneself is one);
 *  2. A forbidden by the App admin to send requests (30009);
 *  3. B in A's blacklist (30515), A in B's blacklist (30525) — force does not lift these;
 *  4. what is missing: A→B, and for Add_Type_Both B→A; nothing missing → 30001 Err_SNS_FriendAdd_Friend_Exist;
 *  5. A's friend list full while A→B is missing (30010); a new GroupName past A's 32 groups (30011);
 *  6. B's consent, unless `force`: DenyAny → 30516; NeedConfirm → a pending request (30539; 30012 past
 *     the pending limit of A or B; a repeated request replaces A's earlier one and counts once) —
 *     except when B already has A: B's own list is its consent, so NeedConfirm adds directly;
 *  7. when added directly, B's friend list full while B→A is missing (30014).
 * A→B carries the item's fields; B→A (Add_Type_Both) starts with the same AddSource and AddWording,
 * no remark and no group. When A already has B (Add_Type_Both only completing B→A) the item's
 * Remark and GroupName are ignored. Pending requests a new link fulfils are dropped.
 * A client request goes to Sns.CallbackPrevFriendAdd only when this does not refuse it.
 */
export function decideFriendAdd(input: FriendAddInput, limits: SnsLimits = SNS_LIMITS): FriendAddOutcome {
  const { from, item, state: s } = input;
  const to = item.to;
  const bad = checkAddFriendItem(from, item);
  if (bad) return refused(bad);
  if (s.aForbidden) return refused(imError('SnsRequestsForbidden', { userId: from }));
  if (s.aBlacklistsB) return refused(imError('SnsPeerBlacklisted', { userId: from, peer: to }));
  if (s.bBlacklistsA) return refused(imError('SnsBlacklistedByPeer', { userId: from, peer: to }));
  const wantAB = !s.aHasB;
  const wantBA = input.addType === 'Add_Type_Both' && !s.bHasA;
  if (!wantAB && !wantBA) return refused(snsInvalid(FRIEND_EXISTS_INFO));
  if (wantAB && s.aFriendCount >= limits.friends) return refused(imError('SnsFriendLimit', { userId: from, max: limits.friends }));
  const group = wantAB && item.groupName ? item.groupName : undefined;
  const newGroup = group !== undefined && !s.aGroups.includes(group);
  if (newGroup && s.aGroups.length >= limits.friendGroups) {
    return refused(imError('SnsFriendGroupLimit', { userId: from, count: s.aGroups.length + 1, max: limits.friendGroups }));
  }
  const consent = input.force || s.bAllowType === 'AllowType_Type_AllowAny' || (s.bHasA && s.bAllowType === 'AllowType_Type_NeedConfirm');
  if (!consent && s.bAllowType === 'AllowType_Type_DenyAny') return refused(imError('SnsPeerDeniesAll', { peer: to }));
  const fields = { remark: item.remark ?? '', addSource: item.addSource, addWording: item.addWording ?? '' };
  if (!consent) {
    if (!s.pendingAToB && s.aPendingOut >= limits.pendingRequests) return refused(imError('SnsPendingLimit', { userId: from, max: limits.pendingRequests }));
    if (!s.pendingAToB && s.bPendingIn >= limits.pendingRequests) return refused(imError('SnsPendingLimit', { userId: to, max: limits.pendingRequests }));
    const request: FriendRequestSpec = { from, to, addType: input.addType, ...fields, ...(group !== undefined ? { groupName: group } : {}) };
    return { kind: 'pending', request, replaces: s.pendingAToB, result: imError('SnsPendingCreated', { peer: to }) };
  }
  if (wantBA && s.bFriendCount >= limits.friends) return refused(imError('SnsPeerFriendLimit', { userId: to, max: limits.friends }));
  const links: FriendLinkSpec[] = [];
  if (wantAB) links.push({ owner: from, friend: to, ...fields, groups: group !== undefined ? [group] : [] });
  if (wantBA) links.push({ owner: to, friend: from, remark: '', groups: [], addSource: item.addSource, addWording: fields.addWording });
  const dropPending: PendingKey[] = [];
  if (wantAB && s.pendingAToB) dropPending.push({ from, to });
  if (wantBA && s.pendingBToA) dropPending.push({ from: to, to: from });
  return { kind: 'added', links, createsGroups: newGroup ? [{ owner: from, name: group }] : [], dropPending };
}

export type FriendDeleteOutcome = { readonly kind: 'refused'; readonly error: ImError } | { readonly kind: 'deleted'; readonly links: readonly FriendKey[] };

/**
 * friend_delete of B from A: Delete_Type_Single removes A→B (31704 when A does not have B);
 * Delete_Type_Both removes whichever of A→B and B→A exist (31704 only when neither does). A's friend
 * groups lose B with the link; pending requests are untouched.
 */
export function decideFriendDelete(input: { readonly from: string; readonly to: string; readonly aHasB: boolean; readonly bHasA: boolean; readonly deleteType: DeleteType }): FriendDeleteOutcome {
  const { from, to, aHasB, bHasA } = input;
  const links: FriendKey[] = [];
  if (aHasB) links.push({ owner: from, friend: to });
  if (input.deleteType === 'Delete_Type_Both' && bHasA) links.push({ owner: to, friend: from });
  return links.length === 0 ? { kind: 'refused', error: imError('SnsNotFriend', { userId: from, peer: to }) } : { kind: 'deleted', links };
}

/**
 * friend_check's Relation between A (From_Account) and B: Single looks at A's list only (AWithB or
 * NoRelation); Both looks both ways (BothWay, AWithB, BWithA, NoRelation).
 */
export function checkRelation(aHasB: boolean, bHasA: boolean, checkType: CheckType): FriendRelation {
  if (checkType === 'CheckResult_Type_Single') return aHasB ? 'CheckResult_Type_AWithB' : 'CheckResult_Type_NoRelation';
  if (aHasB && bHasA) return 'CheckResult_Type_BothWay';
  if (aHasB) return 'CheckResult_Type_AWithB';
  return bHasA ? 'CheckResult_Type_BWithA' : 'CheckResult_Type_NoRelation';
}

/**
 * The veto in one ResultItem of a Sns.CallbackPrevFriendAdd / Sns.CallbackPrevFriendResponse answer
 * (spec §7.2), asked only for items these rules did not refuse: 0 lets the item go on; a code in
 * 38000–39000 refuses it with that code and the answer's ResultInfo; any other non-zero code refuses
 * it too (the app server did not say yes), reported as 38000, the start of the app's range, as sns
 * has no generic veto code (C2C's is 20006, groups' 10016). An item the answer leaves out goes on.
 */
export function prevCallbackVeto(resultCode: number, resultInfo: string): ImError | undefined {
  if (resultCode === 0) return undefined;
  const code = codeFits('SnsCallbackAppError', resultCode) ? resultCode : errors.SnsCallbackAppError.code;
  return appCodeError('SnsCallbackAppError', code, resultInfo || `the app server refused the request (ResultCode ${resultCode})`);
}
