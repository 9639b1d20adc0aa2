/** Identifier rules shared by commands. */
import { randomInt } from 'node:crypto';

/** Tencent UserIDs: 1–32 bytes. */
export const MAX_USER_ID_BYTES = 32;

export function isValidUserId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && Buffer.byteLength(id) <= MAX_USER_ID_BYTES && !/[\u0000-\u001f]/.test(id);
}

/** A random unsigned 32-bit integer (Tencent MsgSeq/MsgRandom when the caller gives none). */
export function randomU32(): number {
  return randomInt(0, 0x1_0000_0000 - 1);
}
