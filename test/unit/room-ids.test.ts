import { describe, expect, it } from 'vitest';
import { actorIdOf, escapeId, groupRoomId, inboxRoomId, unescapeId } from '../../src/cluster/room-ids.ts';

describe('room ids', () => {
  it('map any user or group id to the Colyseus charset and back', () => {
    for (const id of ['alice', '@TGS#2J4SZEAEL', 'a_b-c', 'with space', 'ünïcødé', '_5F', '@TGS#_@TGS#cRDH3HIM62CP']) {
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
  });
});
