/**
 * Room ids of actors. Colyseus clients can only reach rooms whose id matches `[A-Za-z0-9_-]`,
 * while user and group ids may hold any character (`@TGS#…`). Ids are escaped per UTF-16 code
 * unit, so the encoding is injective over every JavaScript string, lone surrogates included:
 * letters and digits pass through, other ASCII becomes `_XX` and every other code unit `-XXXX`
 * (upper-case hex). `@TGS#1AB` is `group__40TGS_231AB`.
 */
export const INBOX_ROOM = 'inbox';
export const GROUP_ROOM = 'group';
export const BROADCAST_ROOM = 'broadcast';

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

export function escapeId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    out += isAlnum(c) ? id[i] : c < 0x80 ? `_${hex(c, 2)}` : `-${hex(c, 4)}`;
  }
  return out;
}

/** The inverse of `escapeId`; throws on text `escapeId` cannot have produced. */
export function unescapeId(escaped: string): string {
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i];
    const width = ch === '_' ? 2 : ch === '-' ? 4 : 0;
    if (width === 0) {
      out += ch;
      continue;
    }
    const digits = escaped.slice(i + 1, i + 1 + width);
    if (!/^[0-9A-F]+$/.test(digits) || digits.length !== width) throw new RangeError(`not an escaped id: ${escaped}`);
    out += String.fromCharCode(parseInt(digits, 16));
    i += width;
  }
  return out;
}

export const inboxRoomId = (userId: string): string => `${INBOX_ROOM}_${escapeId(userId)}`;
export const groupRoomId = (groupId: string): string => `${GROUP_ROOM}_${escapeId(groupId)}`;
/** The broadcast actor's room: one in the cluster. */
export const broadcastRoomId = (): string => `${BROADCAST_ROOM}_all`;

/** The user or group id of an actor's room id. */
export function actorIdOf(roomId: string): string {
  return unescapeId(roomId.slice(roomId.indexOf('_') + 1));
}
