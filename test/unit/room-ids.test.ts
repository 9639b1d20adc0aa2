import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actorIdOf, escapeId, groupRoomId, inboxRoomId, unescapeId } from '../../src/cluster/room-ids.ts';

/** A random string of UTF-16 code units, lone surrogates included. */
function randomCodeUnits(length: number): string {
  const pool = [0x41, 0x5f, 0x2d, 0x23, 0x40, 0x20, 0xe9, 0xfffd, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0x1f600 >> 10];
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(randomInt(3) === 0 ? randomInt(0x10000) : pool[randomInt(pool.length)]);
  return s;
}

describe('room ids', () => {
  it('map any user or group id to the Colyseus charset and back', () => {
    for (const id of ['alice', '@TGS#2J4SZEAEL', 'a_b-c', 'with space', 'ünïcødé', '_5F', '@TGS#_@TGS#cRDH3HIM62CP', '😀', 'X\ud800', 'X\ufffd']) {
      const escaped = escapeId(id);
      expect(escaped).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(unescapeId(escaped)).toBe(id);
      expect(actorIdOf(groupRoomId(id))).toBe(id);
      expect(actorIdOf(inboxRoomId(id))).toBe(id);
    }
  });

  it('keeps plain ids readable', () => {
    expect(inboxRoomId('alice42')).toBe('inbox_alice42');
    expect(groupRoomId('@TGS#1AB')).toBe('group__40TGS_231AB');
  });

  it('never maps two ids to one room', () => {
    expect(escapeId('a_b')).not.toBe(escapeId('a-b'));
    expect(escapeId('_41')).not.toBe(escapeId('A'));
    // A lone surrogate once became U+FFFD on the way through UTF-8, so two users shared one room.
    expect(escapeId('X\ud800')).not.toBe(escapeId('X\ufffd'));
  });

  it('is injective over random strings of code units, lone surrogates included', () => {
    const seen = new Map<string, string>();
    for (let n = 0; n < 5000; n++) {
      const id = randomCodeUnits(1 + randomInt(6));
      const escaped = escapeId(id);
      expect(unescapeId(escaped)).toBe(id);
      const earlier = seen.get(escaped);
      if (earlier !== undefined) expect(earlier).toBe(id);
      seen.set(escaped, id);
    }
  });

  it('refuses to decode text escapeId cannot produce', () => {
    expect(() => unescapeId('_4')).toThrow(RangeError);
    expect(() => unescapeId('-12G4')).toThrow(RangeError);
  });
});
