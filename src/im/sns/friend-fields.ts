/**
 * The fields of a friendship (Tencent's Tag_SNS_IM_* friend tags, spec §6.2) and their limits, as
 * checks that return the per-item error (30001) instead of throwing: friend_add, friend_update and
 * the responses to friend requests report each item on its own.
 */
import { type ImError, imError } from '../../protocol/errors.ts';

export const REMARK_MAX_BYTES = 96;
export const ADD_WORDING_MAX_BYTES = 256;
export const GROUP_NAME_MAX_BYTES = 30;
/** `AddSource_Type_` and a keyword of 1 to 8 ASCII letters (spec §6.2). */
export const ADD_SOURCE_PATTERN = /^AddSource_Type_[A-Za-z]{1,8}$/;

const bytes = (s: string): number => Buffer.byteLength(s);
/** The per-item 30001 with `detail` as its ResultInfo. */
export const snsInvalid = (detail: string): ImError => imError('SnsInvalidParam', { detail });

/** One AddFriendItem: the fields of A's side of the friendship (GroupName is a single name here). */
export interface AddFriendItem {
  readonly to: string;
  readonly remark?: string;
  /** "" reads as no group: wrappers send zero values for unset strings. */
  readonly groupName?: string;
  readonly addSource: string;
  readonly addWording?: string;
}

/** Tencent's ResultInfo for a friend_add item that adds nothing (30001); apps compare it verbatim. */
export const FRIEND_EXISTS_INFO = 'Err_SNS_FriendAdd_Friend_Exist';

/** Remark ≤96 bytes (30001). */
export function checkRemark(remark: string | undefined): ImError | undefined {
  if (remark !== undefined && bytes(remark) > REMARK_MAX_BYTES) return snsInvalid(`Remark is ${bytes(remark)} bytes, at most ${REMARK_MAX_BYTES} are allowed`);
  return undefined;
}

/** A friend group name: non-empty, ≤30 bytes (30001). */
export function checkGroupName(name: string, field = 'GroupName'): ImError | undefined {
  if (name === '') return snsInvalid(`${field} may not be empty`);
  if (bytes(name) > GROUP_NAME_MAX_BYTES) return snsInvalid(`${field} ${name} is ${bytes(name)} bytes, at most ${GROUP_NAME_MAX_BYTES} are allowed`);
  return undefined;
}

/** AddSource_Type_ + 1–8 letters (30001). */
export function checkAddSource(addSource: string): ImError | undefined {
  if (!ADD_SOURCE_PATTERN.test(addSource)) return snsInvalid(`AddSource must be AddSource_Type_ followed by 1 to 8 letters, got ${JSON.stringify(addSource)}`);
  return undefined;
}

/** The fields of one AddFriendItem (30001 at the first bad one). */
export function checkAddFriendItem(from: string, item: AddFriendItem): ImError | undefined {
  if (item.to === from) return snsInvalid(`${from} cannot add themselves as a friend`);
  if (item.addWording !== undefined && bytes(item.addWording) > ADD_WORDING_MAX_BYTES) {
    return snsInvalid(`AddWording is ${bytes(item.addWording)} bytes, at most ${ADD_WORDING_MAX_BYTES} are allowed`);
  }
  return checkAddSource(item.addSource) ?? checkRemark(item.remark) ?? (item.groupName ? checkGroupName(item.groupName) : undefined);
}

