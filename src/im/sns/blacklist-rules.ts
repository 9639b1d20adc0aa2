/**
 * The rules of the blacklist (Tencent's sns black_list_add, black_list_delete and black_list_check;
 * spec §3.4, §6.3) as pure functions over the owner's blacklist and the relations to each target:
 * at most 1000 entries, and blacklisting someone ends every friendship and pending request between
 * the two. What a blacklist does to C2C sends is in c2c-permission.ts.
 */
import { type ImError, imError } from '../../protocol/errors.ts';
import { snsInvalid } from './friend-fields.ts';
import { type FriendKey, type PendingKey, SNS_LIMITS, type SnsLimits } from './friend-rules.ts';

export type BlackCheckType = 'BlackCheckResult_Type_Single' | 'BlackCheckResult_Type_Both';
export type BlackRelation = 'BlackCheckResult_Type_BothWay' | 'BlackCheckResult_Type_AWithB' | 'BlackCheckResult_Type_BWithA' | 'BlackCheckResult_Type_NO';

/** Tencent's ResultInfo for a black_list_add item already in the blacklist (30001); apps compare it verbatim. */
export const BLACKLIST_EXISTS_INFO = 'Err_SNS_BlackListAdd_Already_Exist';

/** One To_Account of black_list_add, with what ties A (the owner) and it now. */
export interface BlacklistTarget {
  readonly to: string;
  /** Already in A's blacklist. */
  readonly listed: boolean;
  readonly aHasB: boolean;
  readonly bHasA: boolean;
  readonly pendingAToB: boolean;
  readonly pendingBToA: boolean;
}

export interface BlacklistAddOutcome {
  /** One per target, in request order; `error` for those not added. */
  readonly items: readonly { readonly to: string; readonly error?: ImError }[];
  readonly added: readonly string[];
  /** Friendships the additions end, both ways. */
  readonly unlink: readonly FriendKey[];
  /** Pending requests between the owner and the added accounts, either way. */
  readonly dropPending: readonly PendingKey[];
}

/**
 * black_list_add for `from`, whose blacklist holds `size` accounts: each target is added unless it is
 * `from` itself (30001) or already listed (30001 Err_SNS_BlackListAdd_Already_Exist, also for a
 * repeat within the request). Throws 30013, adding nobody, when the additions would take the list
 * past its limit. Each addition removes A→B and B→A and the pending requests between them.
 */
export function decideBlacklistAdd(from: string, size: number, targets: readonly BlacklistTarget[], limits: SnsLimits = SNS_LIMITS): BlacklistAddOutcome {
  const accepted: BlacklistTarget[] = [];
  const items = targets.map((t) => {
    if (t.to === from) return { to: t.to, error: snsInvalid(`${from} cannot blacklist themselves`) };
    if (t.listed || accepted.some((a) => a.to === t.to)) return { to: t.to, error: snsInvalid(BLACKLIST_EXISTS_INFO) };
    accepted.push(t);
    return { to: t.to };
  });
  const count = size + accepted.length;
  if (accepted.length > 0 && count > limits.blacklist) throw imError('SnsBlacklistLimit', { userId: from, count, max: limits.blacklist });
  const unlink: FriendKey[] = [];
  const dropPending: PendingKey[] = [];
  for (const t of accepted) {
    if (t.aHasB) unlink.push({ owner: from, friend: t.to });
    if (t.bHasA) unlink.push({ owner: t.to, friend: from });
    if (t.pendingAToB) dropPending.push({ from, to: t.to });
    if (t.pendingBToA) dropPending.push({ from: t.to, to: from });
  }
  return { items, added: accepted.map((t) => t.to), unlink, dropPending };
}

/**
 * black_list_delete: each target leaves the blacklist, 30001 for one not in it (or repeated).
 * Friendships ended by the blacklist are not restored.
 */
export function decideBlacklistDelete(from: string, targets: readonly { readonly to: string; readonly listed: boolean }[]): { items: { to: string; error?: ImError }[]; removed: string[] } {
  const removed = new Set<string>();
  const items = targets.map((t) => {
    if (!t.listed || removed.has(t.to)) return { to: t.to, error: snsInvalid(`${t.to} is not in the blacklist of ${from}`) };
    removed.add(t.to);
    return { to: t.to };
  });
  return { items, removed: [...removed] };
}

/**
 * black_list_check's Relation between A (From_Account) and B: Single looks at A's blacklist only
 * (AWithB or NO); Both looks both ways (BothWay, AWithB, BWithA, NO).
 */
export function checkBlackRelation(aBlacklistsB: boolean, bBlacklistsA: boolean, checkType: BlackCheckType): BlackRelation {
  if (checkType === 'BlackCheckResult_Type_Single') return aBlacklistsB ? 'BlackCheckResult_Type_AWithB' : 'BlackCheckResult_Type_NO';
  if (aBlacklistsB && bBlacklistsA) return 'BlackCheckResult_Type_BothWay';
  if (aBlacklistsB) return 'BlackCheckResult_Type_AWithB';
  return bBlacklistsA ? 'BlackCheckResult_Type_BWithA' : 'BlackCheckResult_Type_NO';
}
