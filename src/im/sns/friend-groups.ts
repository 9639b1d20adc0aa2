/**
 * The rules of friend groups (分组: Tencent's sns group_add, group_delete, group_get and the
 * Tag_SNS_IM_Group friend tag; spec §3.4, §6.2) as pure functions over one user's groups: at most 32
 * groups, names non-empty and ≤30 bytes, a friend in any number of them, only friends in a group.
 * Whole-request errors are thrown; per-friend errors are values.
 */
import { type ImError, imError } from '../../protocol/errors.ts';
import { checkGroupName, snsInvalid } from './friend-fields.ts';
import { SNS_LIMITS, type SnsLimits } from './friend-rules.ts';

/** The names, checked (30001 at the first bad one, or for none at all) and without repeats, in request order. */
export function checkGroupNames(names: readonly string[], field = 'GroupName'): string[] {
  if (names.length === 0) throw snsInvalid(`${field} must name at least one friend group`);
  for (const n of names) {
    const bad = checkGroupName(n, field);
    if (bad) throw bad;
  }
  return [...new Set(names)];
}

/**
 * `owner`'s groups once `names` exist: the current ones, then the new ones in request order.
 * Throws 30001 for a bad name and 30011 past the group limit. Names that exist already are kept as they are.
 */
export function groupsWith(owner: string, current: readonly string[], names: readonly string[], limits: SnsLimits = SNS_LIMITS): { groups: string[]; created: string[] } {
  const created = checkGroupNames(names).filter((n) => !current.includes(n));
  const count = current.length + created.length;
  if (created.length > 0 && count > limits.friendGroups) throw imError('SnsFriendGroupLimit', { userId: owner, count, max: limits.friendGroups });
  return { groups: [...current, ...created], created };
}

export interface GroupAddInput {
  readonly owner: string;
  readonly groups: readonly string[];
  readonly names: readonly string[];
  /** The accounts to put into every named group, each with whether it is a friend of `owner`. */
  readonly to?: readonly { readonly account: string; readonly isFriend: boolean }[];
}

export interface GroupAddOutcome {
  readonly groups: readonly string[];
  readonly created: readonly string[];
  /** One per To_Account, in order: 32216 for a non-friend (who joins nothing). */
  readonly items: readonly { readonly to: string; readonly error?: ImError }[];
  /** The friends that join, each with the named groups (those it is already in included; joining is idempotent). */
  readonly joins: readonly { readonly friend: string; readonly groups: readonly string[] }[];
}

/**
 * group_add: creates the named groups that do not exist yet (naming an existing one is no error, so a
 * request can put friends into existing groups), and puts each To_Account that is a friend into all of
 * them. Throws 30001 / 30011 for the names, before anything is decided for the friends.
 */
export function decideGroupAdd(input: GroupAddInput, limits: SnsLimits = SNS_LIMITS): GroupAddOutcome {
  const { groups, created } = groupsWith(input.owner, input.groups, input.names, limits);
  const named = [...new Set(input.names)];
  const targets = input.to ?? [];
  return {
    groups,
    created,
    items: targets.map((t) => (t.isFriend ? { to: t.account } : { to: t.account, error: imError('SnsGroupTargetNotFriend', { userId: input.owner, peer: t.account }) })),
    joins: targets.filter((t) => t.isFriend).map((t) => ({ friend: t.account, groups: named })),
  };
}

/**
 * group_delete: the groups left once `names` are gone. Every name must exist (30001 otherwise, nothing
 * deleted). Friends stay friends; they only leave the deleted groups.
 */
export function decideGroupDelete(owner: string, current: readonly string[], names: readonly string[]): { groups: string[]; deleted: string[] } {
  const deleted = checkGroupNames(names);
  const missing = deleted.find((n) => !current.includes(n));
  if (missing !== undefined) throw snsInvalid(`${owner} has no friend group ${missing}`);
  return { groups: current.filter((g) => !deleted.includes(g)), deleted };
}

/**
 * A friend's Tag_SNS_IM_Group set by friend_update or friend_import: the friend's groups (checked,
 * without repeats; [] leaves every group) and the owner's groups once the new ones exist (30011 past the limit).
 */
export function setFriendGroups(owner: string, current: readonly string[], friendGroups: readonly string[], limits: SnsLimits = SNS_LIMITS): { friendGroups: string[]; groups: string[]; created: string[] } {
  if (friendGroups.length === 0) return { friendGroups: [], groups: [...current], created: [] };
  const { groups, created } = groupsWith(owner, current, friendGroups, limits);
  return { friendGroups: [...new Set(friendGroups)], groups, created };
}

export interface GroupView {
  readonly name: string;
  readonly friendNumber: number;
  /** With NeedFriend only: the friends in it, in the order of `membership`. */
  readonly friends?: readonly string[];
}

/**
 * group_get: the owner's groups (only `names` when given, in the owner's order; unknown names are
 * skipped) with how many friends each holds, and who when `needFriend`. `membership` is each friend's groups.
 */
export function groupViews(groups: readonly string[], membership: ReadonlyMap<string, readonly string[]>, names: readonly string[] | undefined, needFriend: boolean): GroupView[] {
  const wanted = names && names.length > 0 ? groups.filter((g) => names.includes(g)) : groups;
  return wanted.map((name) => {
    const friends = [...membership].filter(([, gs]) => gs.includes(name)).map(([friend]) => friend);
    return needFriend ? { name, friendNumber: friends.length, friends } : { name, friendNumber: friends.length };
  });
}
