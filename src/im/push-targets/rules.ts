/**
 * The limits of the all-member push audience (spec §3.7, Tencent's all_member_push pages): at most
 * 100 accounts per request, 10 attribute slots ("0"–"9") per app, names, values and tags of 1 to 50
 * bytes, at most 10 tags per user in one request and 100 on a user.
 */
import { imError } from '../../protocol/errors.ts';

export const ATTR_SLOTS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const PUSH_TARGET_LIMITS = { accounts: 100, textBytes: 50, tagsPerRequest: 10, tagsPerUser: 100 } as const;

/** Refuses a list of more than 100 accounts (90018) or none. */
export function checkAccounts(field: string, count: number): void {
  if (count === 0) throw imError('C2CInvalidParam', { detail: `${field} is empty` });
  if (count > PUSH_TARGET_LIMITS.accounts) throw imError('PushTooManyAccounts', { field, count, max: PUSH_TARGET_LIMITS.accounts });
}

const fits = (text: string): boolean => text.length > 0 && Buffer.byteLength(text) <= PUSH_TARGET_LIMITS.textBytes;

/** An attribute name or value: 1 to 50 bytes (90030). */
export function checkAttrText(what: 'name' | 'value', value: string): void {
  if (!fits(value)) throw imError('PushAttrLength', { what, value: JSON.stringify(value), max: PUSH_TARGET_LIMITS.textBytes });
}

/** A tag: 1 to 50 bytes (90034). */
export function checkTag(tag: string): void {
  if (!fits(tag)) throw imError('PushTagLength', { tag: JSON.stringify(tag), max: PUSH_TARGET_LIMITS.textBytes });
}

/** The slot of each attribute name of the app. */
export function slotsByName(names: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...names].map(([slot, name]) => [name, slot]));
}

/** The slot an attribute name stands for, or 90033. */
export function slotOf(bySlotName: ReadonlyMap<string, string>, name: string): string {
  const slot = bySlotName.get(name);
  if (slot === undefined) throw imError('PushAttrInvalid', { detail: `attribute ${JSON.stringify(name)} is not one of the app's attribute names (set them with im_set_attr_name)` });
  return slot;
}
