/**
 * Room ids of actors. Colyseus clients can only reach rooms whose id matches `[A-Za-z0-9_-]`,
 * while user and group ids may hold any printable character (`@TGS#…`). Ids are escaped
 * reversibly: letters and digits pass through, every other byte becomes `_XX` (hex), so
 * `@TGS#1AB` is `group__40TGS_231AB`.
 */
export const INBOX_ROOM = 'inbox';
export const GROUP_ROOM = 'group';

export function escapeId(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9]/.test(c) ? c : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function unescapeId(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '_') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(escaped.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export const inboxRoomId = (userId: string): string => `${INBOX_ROOM}_${escapeId(userId)}`;
export const groupRoomId = (groupId: string): string => `${GROUP_ROOM}_${escapeId(groupId)}`;

/** The user or group id of an actor's room id. */
export function actorIdOf(roomId: string): string {
  return unescapeId(roomId.slice(roomId.indexOf('_') + 1));
}
