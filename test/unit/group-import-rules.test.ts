/** The migration rules (import_group_member, import_group_msg, set_unread_msg_num) over plain values and a fake group actor state. */
import { describe, expect, it } from 'vitest';
import type { MemberRecord, StoredEntry } from '../../storage/store.ts';
import type { ImContext } from '../../src/im/context.ts';
import type { GroupActorState, GroupStreamPort } from '../../src/im/groups/group-actor-state.ts';
import { type GroupState, type Member, emptyMemberProfile } from '../../src/im/groups/group-model.ts';
import type { GroupType } from '../../src/im/groups/group-types.ts';
import { importMembers, importMessages, setUnread } from '../../src/im/groups/import-in-group.ts';
import { clampUnread, firstSeqFrom, importedReadSeq, joinTimeAccepted, sendTimeAccepted, unreadMark } from '../../src/im/groups/import-rules.ts';
import type { Entry, GroupMessage } from '../../src/protocol/entries.ts';
import { makeEvent } from '../../src/protocol/events.ts';
import { afterCallbackOf } from '../../src/events/callbacks/payloads.ts';
import { chatRecordOf } from '../../src/events/archive/record-format.ts';

const S = 1000;
const NOW = 1_700_000_000 * S;

describe('import time rules', () => {
  it('takes a JoinTime after the group’s creation second and not in the future; none means now', () => {
    const created = NOW - 100 * S + 500;
    expect(joinTimeAccepted(NOW - 99 * S, created, NOW)).toBe(true);
    expect(joinTimeAccepted(NOW - 100 * S, created, NOW)).toBe(false); // the creation's own second
    expect(joinTimeAccepted(NOW - 200 * S, created, NOW)).toBe(false);
    expect(joinTimeAccepted(NOW, created, NOW)).toBe(true);
    expect(joinTimeAccepted(NOW + S, created, NOW)).toBe(false);
    expect(joinTimeAccepted(undefined, NOW, NOW)).toBe(true);
  });

  it('takes a SendTime strictly after the floor and before now', () => {
    expect(sendTimeAccepted(10 * S, 9 * S, NOW)).toBe(true);
    expect(sendTimeAccepted(9 * S, 9 * S, NOW)).toBe(false);
    expect(sendTimeAccepted(8 * S, 9 * S, NOW)).toBe(false);
    expect(sendTimeAccepted(NOW, 0, NOW)).toBe(false);
  });
});

describe('imported unread counts', () => {
  it('clamps an unread count to the group’s message count', () => {
    expect(clampUnread(5, 3)).toBe(3);
    expect(clampUnread(2, 3)).toBe(2);
    expect(clampUnread(9, 13, 10)).toBe(3);
    expect(unreadMark(7, 4)).toEqual({ count: 4, atSeq: 4 });
  });

  it('reads a member as having read up to the mark, unless messages were imported after it', () => {
    expect(importedReadSeq({ unreadImported: { count: 2, atSeq: 10 } }, {})).toBe(8);
    expect(importedReadSeq({ unreadImported: { count: 2, atSeq: 10 } }, { importedUpTo: 10 })).toBe(8);
    expect(importedReadSeq({ unreadImported: { count: 2, atSeq: 10 } }, { importedUpTo: 14 })).toBe(14);
    expect(importedReadSeq({}, { importedUpTo: 14 })).toBe(14);
    expect(importedReadSeq({}, {})).toBeUndefined();
  });
});

describe('finding a SEQ by time', () => {
  const times = [0, 10, 20, 20, 30]; // SEQ 1..5 (index 0 unused)
  const timeOf = async (seq: number) => times[seq];

  it('finds the first entry at or after a time, head + 1 past the end, after + 1 before the start', async () => {
    expect(await firstSeqFrom(20, 0, 4, timeOf)).toBe(2);
    expect(await firstSeqFrom(25, 0, 4, timeOf)).toBe(4);
    expect(await firstSeqFrom(31, 0, 4, timeOf)).toBe(5);
    expect(await firstSeqFrom(5, 0, 4, timeOf)).toBe(1);
    expect(await firstSeqFrom(5, 2, 4, timeOf)).toBe(3);
  });

  it('treats holes as older than anything', async () => {
    const holes = async (seq: number) => (seq <= 2 ? undefined : seq * 10);
    expect(await firstSeqFrom(0, 0, 5, holes)).toBe(3);
  });
});

/** A group actor state over an in-memory stream and a store that records member writes. */
function fakeGroup(type: GroupType, createdAt: number, entries: { time: number; entry?: Entry }[] = []) {
  const rows: StoredEntry[] = entries.map((e, i) => ({ seq: i + 1, time: e.time, payload: JSON.stringify(e.entry ?? { kind: 'tip' }), flags: 0, expiresAt: 0 }));
  const pushed: unknown[] = [];
  const stream: Partial<GroupStreamPort> = {
    get head() {
      return rows.length;
    },
    read: async (seq) => rows.find((r) => r.seq === seq),
    append: async (spec, audience) => {
      pushed.push(...audience());
      rows.push({ seq: rows.length + 1, time: spec.time, payload: JSON.stringify(spec.entry), flags: 0, expiresAt: 0 });
      return { seq: rows.length, duplicate: false };
    },
  };
  const group: GroupState = {
    groupId: 'g',
    type,
    owner: 'owner',
    createdAt,
    profile: { name: 'g', introduction: '', notification: '', faceUrl: '', maxMemberCount: 3, applyJoinOption: 'FreeAccess', muteAll: false, appDefinedData: {}, infoSeq: 0, lastInfoTime: 0, lastMsgTime: 0 },
  };
  const owner: Member = { userId: 'owner', role: 'Owner', joinedAt: createdAt, joinSeq: 0, profile: emptyMemberProfile() };
  const s = { group, members: new Map([['owner', owner]]), stream } as unknown as GroupActorState;
  const written: MemberRecord[] = [];
  const profiles: string[] = [];
  const im = {
    now: () => NOW,
    store: {
      groups: {
        putMembers: async (_g: string, _t: string, m: readonly MemberRecord[]) => void written.push(...m),
        updateGroup: async (_g: string, p: { profile?: string }) => void profiles.push(p.profile ?? ''),
      },
    },
  } as unknown as ImContext;
  return { s, im, rows, written, profiles, pushed };
}

const text = (t: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];

describe('importing members into a group actor', () => {
  it('adds members with their join time, reading from then on, and keeps their clamped unread count', async () => {
    const created = NOW - 1000 * S;
    const { s, im, written } = fakeGroup('Public', created, [{ time: created + 10 * S }, { time: created + 20 * S }, { time: created + 30 * S }]);
    const r = await importMembers(im, s, [
      { userId: 'ann', role: 'Admin', joinedAt: created + 25 * S, unread: 99 },
      { userId: 'ben', role: 'Member', joinedAt: created + 5 * S },
    ]);
    expect(r.results).toEqual([{ userId: 'ann', result: 1 }, { userId: 'ben', result: 1 }]);
    expect(s.members.get('ann')).toMatchObject({ role: 'Admin', joinedAt: created + 25 * S, joinSeq: 2, profile: { unreadImported: { count: 3, atSeq: 3 } } });
    expect(s.members.get('ben')).toMatchObject({ joinSeq: 0 });
    expect(s.members.get('ben')?.profile.unreadImported).toBeUndefined();
    expect(written.map((m) => m.userId)).toEqual(['ann', 'ben']);
  });

  it('fails a member whose JoinTime is not after the creation or is in the future, one over the limit, and answers 2 for a member', async () => {
    const { s, im, written } = fakeGroup('Public', NOW - 100 * S);
    const r = await importMembers(im, s, [
      { userId: 'owner', role: 'Member' },
      { userId: 'early', role: 'Member', joinedAt: NOW - 200 * S },
      { userId: 'later', role: 'Member', joinedAt: NOW + 60 * S },
      { userId: 'ann', role: 'Member' },
      { userId: 'ben', role: 'Member' },
      { userId: 'cat', role: 'Member' },
    ]);
    expect(r.results.map((x) => [x.userId, x.result])).toEqual([['owner', 2], ['early', 0], ['later', 0], ['ann', 1], ['ben', 1], ['cat', 0]]);
    expect(written.map((m) => m.userId)).toEqual(['ann', 'ben']);
  });

  it('keeps no unread count in a Meeting group, refuses admins in a Work group and any import into an AVChatRoom', async () => {
    const meeting = fakeGroup('ChatRoom', NOW - 100 * S);
    await importMembers(meeting.im, meeting.s, [{ userId: 'ann', role: 'Member', unread: 3 }]);
    expect(meeting.s.members.get('ann')?.profile.unreadImported).toBeUndefined();
    const work = fakeGroup('Private', NOW - 100 * S);
    await expect(importMembers(work.im, work.s, [{ userId: 'ann', role: 'Admin' }])).rejects.toMatchObject({ code: 10004 });
    const live = fakeGroup('AVChatRoom', NOW - 100 * S);
    await expect(importMembers(live.im, live.s, [{ userId: 'ann', role: 'Member' }])).rejects.toMatchObject({ code: 10007 });
  });

  it('sets an unread count on a member (clamped), ignores types without unread counts, refuses a non-member', async () => {
    const { s, im, written } = fakeGroup('Public', NOW - 100 * S, [{ time: NOW - 50 * S }, { time: NOW - 40 * S }]);
    await setUnread(im, s, 'owner', 5);
    expect(s.members.get('owner')?.profile.unreadImported).toEqual({ count: 2, atSeq: 2 });
    expect(written).toHaveLength(1);
    await expect(setUnread(im, s, 'zed', 1)).rejects.toMatchObject({ code: 10007 });
    const meeting = fakeGroup('ChatRoom', NOW - 100 * S);
    await setUnread(meeting.im, meeting.s, 'zed', 1);
    expect(meeting.written).toEqual([]);
  });
});

describe('importing messages into a group actor', () => {
  const msg = (from: string, timeS: number, random = timeS) => ({ from, time: timeS * S, random, body: text(`m${timeS}`) });

  it('stores messages in time order with their own times, pushes them to nobody, and notes the import', async () => {
    const created = NOW - 1000 * S;
    const { s, im, rows, pushed, profiles } = fakeGroup('Public', created);
    const base = created / S;
    const r = await importMessages(im, s, [msg('ann', base + 1), msg('ann', base + 3), msg('ben', base + 2), msg('ben', base)]);
    expect(r).toEqual([
      { seq: 1, time: (base + 1) * S, code: 0 },
      { seq: 2, time: (base + 3) * S, code: 0 },
      { seq: 0, time: (base + 2) * S, code: 10004 },
      { seq: 0, time: base * S, code: 10004 },
    ]);
    expect(rows.map((x) => JSON.parse(x.payload) as { imported?: boolean }).every((e) => e.imported === true)).toBe(true);
    expect(pushed).toEqual([]);
    expect(s.group.profile).toMatchObject({ lastMsgTime: (base + 3) * S, importedUpTo: 2 });
    expect(profiles).toHaveLength(1);
  });

  it('refuses messages not later than the group’s latest one or not before now', async () => {
    const created = NOW - 1000 * S;
    const { s, im } = fakeGroup('Public', created, [{ time: NOW - 100 * S }]);
    const r = await importMessages(im, s, [msg('ann', NOW / S - 100), msg('ann', NOW / S - 99), msg('ann', NOW / S)]);
    expect(r.map((x) => x.code)).toEqual([10004, 0, 10004]);
  });

  it('answers a retried import with the stored message’s SEQ and stores nothing again', async () => {
    const created = NOW - 1000 * S;
    const { s, im, rows } = fakeGroup('Public', created);
    const batch = [msg('ann', created / S + 1, 7), msg('ben', created / S + 1, 8), msg('ann', created / S + 2, 7)];
    const first = await importMessages(im, s, batch);
    expect(first.map((x) => x.code)).toEqual([0, 10004, 0]);
    const again = await importMessages(im, s, batch);
    expect(again.map((x) => [x.seq, x.code])).toEqual([[1, 0], [0, 10004], [2, 0]]);
    expect(rows).toHaveLength(2);
  });
});

describe('events of imports', () => {
  const created = { groupId: 'g', groupType: 'Public', owner: 'owner', operator: 'administrator', name: 'g', members: ['owner'], appDefinedData: {} };
  const message: GroupMessage = { kind: 'group', groupId: 'g', from: 'ann', time: NOW - 3600 * S, random: 1, body: text('old'), priority: 'Normal', flags: 0 };

  it('calls back an imported group or message never, a created one and a sent one as before', () => {
    expect(afterCallbackOf(makeEvent('group.created', 'g:g#created', 'g:g', NOW, { ...created, imported: true }))).toBeUndefined();
    expect(afterCallbackOf(makeEvent('group.created', 'g:g#created', 'g:g', NOW, created))?.command).toBe('Group.CallbackAfterCreateGroup');
    expect(afterCallbackOf(makeEvent('group.message', 'g:g#1', 'g:g', NOW, { seq: 1, message: { ...message, imported: true } }), 'Public')).toBeUndefined();
    expect(afterCallbackOf(makeEvent('group.message', 'g:g#1', 'g:g', NOW, { seq: 1, message }), 'Public')?.command).toBe('Group.CallbackAfterSendMsg');
  });

  it('leaves imported messages out of chat-record files', () => {
    expect(chatRecordOf(makeEvent('group.message', 'g:g#1', 'g:g', NOW, { seq: 1, message: { ...message, imported: true } }))).toBeUndefined();
    expect(chatRecordOf(makeEvent('group.message', 'g:g#1', 'g:g', NOW, { seq: 1, message }))?.chatType).toBe('Group');
  });
});
