/** Group ids (spec §5.4): generated `@TGS#<type digit><9 chars>`, or custom ids with their rules. */
import { randomInt } from 'node:crypto';
import { imError } from '../../protocol/errors.ts';
import type { GroupType } from './group-types.ts';
import { isValidGroupId } from '../../protocol/ids.ts';

const MAX_CUSTOM_ID_BYTES = 48;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TYPE_DIGIT: Readonly<Record<GroupType, string>> = { Private: '1', Public: '2', ChatRoom: '3', AVChatRoom: 'a', Community: 'c' };

export function generateGroupId(type: GroupType): string {
  let tail = '';
  for (let i = 0; i < 9; i++) tail += ALPHABET[randomInt(ALPHABET.length)];
  const id = `@TGS#${TYPE_DIGIT[type]}${tail}`;
  return type === 'Community' ? `@TGS#_${id}` : id;
}

/** Checks a caller-chosen id: printable ASCII, ≤48 bytes, no `@TGS#` prefix except Community's `@TGS#_`. */
export function checkCustomGroupId(groupId: string, type: GroupType): void {
  const bad = (detail: string) => imError('GroupIdInvalid', { groupId, detail });
  if (groupId.length === 0) throw bad('it is empty');
  if (!/^[\x20-\x7e]+$/.test(groupId)) throw bad('only printable ASCII is allowed');
  if (Buffer.byteLength(groupId) > MAX_CUSTOM_ID_BYTES) throw bad(`longer than ${MAX_CUSTOM_ID_BYTES} bytes`);
  if (type === 'Community') {
    if (!groupId.startsWith('@TGS#_')) throw bad('a Community id must start with @TGS#_');
  } else if (groupId.startsWith('@TGS#')) {
    throw bad('custom ids may not start with @TGS#');
  }
}

/** Refuses (10015) an id no group can have, before it reaches an actor or the store. */
export function requireGroupId(groupId: string): void {
  if (!isValidGroupId(groupId)) throw imError('GroupIdInvalid', { groupId, detail: 'a group id is 1 to 48 bytes of printable ASCII' });
}
