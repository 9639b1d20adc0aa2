/**
 * What a user or group id may be, on every wire (REST, /connect, client ops) and in the SDK. Ids
 * must be well-formed UTF-16 — a lone surrogate would turn into U+FFFD on its way into UTF-8 and
 * name another user's stream — and within Tencent's byte limits.
 */

/** Tencent UserIDs: 1–32 bytes. */
export const MAX_USER_ID_BYTES = 32;
/** Group ids, custom or generated: printable ASCII, at most 48 bytes (spec §5.4). */
export const MAX_GROUP_ID_BYTES = 48;

const utf8 = new TextEncoder();

export function isValidUserId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= MAX_USER_ID_BYTES &&
    id.isWellFormed() &&
    !/[\u0000-\u001f]/.test(id) &&
    utf8.encode(id).length <= MAX_USER_ID_BYTES
  );
}

/** Whether `id` can name a group at all (existing or not): non-empty printable ASCII within 48 bytes. */
export function isValidGroupId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_GROUP_ID_BYTES && /^[\x20-\x7e]+$/.test(id);
}
