/** Identifiers Parley generates. (What a caller's ids may be is `src/protocol/ids.ts`.) */
import { randomInt } from 'node:crypto';

/** A random unsigned 32-bit integer (Tencent MsgSeq/MsgRandom when the caller gives none). */
export function randomU32(): number {
  return randomInt(0, 0x1_0000_0000 - 1);
}
