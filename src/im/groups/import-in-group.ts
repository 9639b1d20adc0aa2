/**
 * The migration commands as the group actor's handlers run them over its state: members brought in
 * with their join times (import_group_member), history stored under the next SEQs with its original
 * times (import_group_msg), unread counts (set_unread_msg_num). No tips, inbox notices, live pushes
 * or callbacks; an imported message still has its `group.message` event, marked `imported`.
 */
import type { GroupMessage } from '../../protocol/entries.ts';
import { errors, imError } from '../../protocol/errors.ts';
import type { StoredEntry } from '../../../storage/store.ts';
import type { AddMembersResult, ImportedMember, ImportedMessage, ImportMessageResult } from '../actor-api.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { type Member, emptyMemberProfile, memberToRecord } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import { firstSeqFrom, joinTimeAccepted, sendTimeAccepted, unreadMark } from './import-rules.ts';

/** Entries read while one command runs, each at most once (the searches of a batch share their probes). */
function entryReader(s: GroupActorState): { entry: (seq: number) => Promise<StoredEntry | undefined>; time: (seq: number) => Promise<number | undefined> } {
  const seen = new Map<number, Promise<StoredEntry | undefined>>();
  const entry = (seq: number): Promise<StoredEntry | undefined> => {
    let p = seen.get(seq);
    if (!p) seen.set(seq, (p = s.stream.read(seq)));
    return p;
  };
  return { entry, time: async (seq) => (await entry(seq))?.time };
}

function checkImportable(s: GroupActorState): void {
  if (!policyOf(s.group.type).importable) throw imError('GroupNoPermission', { detail: `${s.group.type} groups take no imports` });
}

const baseOf = (s: GroupActorState): number => s.group.profile.baseSeq ?? 0;

/**
 * import_group_member. A member joined at `joinedAt` reads what the group stored from then on
 * (joinSeq: the last SEQ before that time), so members imported after the history do not see
 * messages from before they joined — unless the type shows pre-join history. The join positions
 * are looked up first; membership and room are decided after, with no await before the change is
 * applied, so concurrent imports of one account add it once.
 */
export async function importMembers(im: ImContext, s: GroupActorState, members: readonly ImportedMember[]): Promise<AddMembersResult> {
  checkImportable(s);
  const policy = policyOf(s.group.type);
  if (!policy.admins && members.some((m) => m.role === 'Admin')) throw imError('GroupInvalidParam', { detail: `${s.group.type} groups have no admins` });
  const now = im.now();
  const head = s.stream.head;
  const reader = entryReader(s);
  const candidates = members.filter((m, i) => members.findIndex((o) => o.userId === m.userId) === i);
  const joinSeqs = new Map<string, number>();
  for (const m of candidates) {
    if (s.members.has(m.userId) || !joinTimeAccepted(m.joinedAt, s.group.createdAt, now)) continue;
    joinSeqs.set(m.userId, (await firstSeqFrom(m.joinedAt ?? now, baseOf(s), head, reader.time)) - 1);
  }
  const results = new Map<string, 0 | 1 | 2>();
  const added: Member[] = [];
  let room = s.group.profile.maxMemberCount - s.members.size;
  for (const m of candidates) {
    const joinSeq = joinSeqs.get(m.userId);
    if (s.members.has(m.userId)) results.set(m.userId, 2);
    else if (joinSeq === undefined || room <= 0) results.set(m.userId, 0);
    else {
      room--;
      const profile = { ...emptyMemberProfile(), ...(m.unread !== undefined && policy.unread ? { unreadImported: unreadMark(m.unread, head, baseOf(s)) } : {}) };
      added.push({ userId: m.userId, role: m.role, joinedAt: m.joinedAt ?? now, joinSeq, profile });
      results.set(m.userId, 1);
    }
  }
  for (const m of added) s.members.set(m.userId, m);
  try {
    if (added.length > 0) await im.store.groups.putMembers(s.group.groupId, s.group.type, added.map(memberToRecord));
  } catch (e) {
    for (const m of added) if (s.members.get(m.userId) === m) s.members.delete(m.userId);
    throw e;
  }
  return { results: [...results].map(([userId, result]) => ({ userId, result })) };
}

/** set_unread_msg_num: nothing where the type counts no unread (Meeting, AVChatRoom); 10007 for a non-member. */
export async function setUnread(im: ImContext, s: GroupActorState, userId: string, count: number): Promise<void> {
  if (!policyOf(s.group.type).unread) return;
  const member = s.members.get(userId);
  if (!member) throw imError('NotGroupMember', { userId, groupId: s.group.groupId });
  const next: Member = { ...member, profile: { ...member.profile, unreadImported: unreadMark(count, s.stream.head, baseOf(s)) } };
  await im.store.groups.putMembers(s.group.groupId, s.group.type, [memberToRecord(next)]);
  s.members.set(userId, next);
}

const sameMessage = (e: GroupMessage, m: ImportedMessage): boolean => e.kind === 'group' && e.from === m.from && e.random === m.random && e.time === m.time;

/**
 * The stored message this one repeats — same sender, Random and SendTime — if any: a retried
 * import answers the original's SEQ and stores nothing. Looked for among the entries of that time.
 */
async function storedCopy(s: GroupActorState, reader: ReturnType<typeof entryReader>, m: ImportedMessage): Promise<number | undefined> {
  const head = s.stream.head;
  for (let seq = await firstSeqFrom(m.time, baseOf(s), head, reader.time); seq <= head; seq++) {
    const row = await reader.entry(seq);
    if (!row || row.time !== m.time) return undefined;
    if (sameMessage(JSON.parse(row.payload) as GroupMessage, m)) return seq;
  }
  return undefined;
}

const entryOf = (s: GroupActorState, m: ImportedMessage): GroupMessage => ({
  kind: 'group',
  groupId: s.group.groupId,
  from: m.from,
  time: m.time,
  random: m.random,
  body: m.body,
  ...(m.cloudCustomData !== undefined ? { cloudCustomData: m.cloudCustomData } : {}),
  priority: 'Normal',
  flags: 0,
  imported: true,
});

const TIME_REFUSED = errors.GroupInvalidParam.code;

/**
 * import_group_msg. The accepted messages are queued on the stream in one go (no await between
 * the checks and the queueing), so a concurrent import or send cannot slip between them; each is
 * stored under the next SEQ with its own time and pushed to nobody. Then LastMsgTime and the
 * import mark (which resets imported unread counts) are kept with the group.
 */
export async function importMessages(im: ImContext, s: GroupActorState, messages: readonly ImportedMessage[]): Promise<ImportMessageResult[]> {
  checkImportable(s);
  const reader = entryReader(s);
  const headTime = s.stream.head > baseOf(s) ? ((await reader.time(s.stream.head)) ?? 0) : 0;
  const results: (ImportMessageResult | Promise<ImportMessageResult>)[] = [];
  const refused: { index: number; message: ImportedMessage }[] = [];
  const now = im.now();
  let floor = Math.max(s.group.createdAt, s.group.profile.lastMsgTime, headTime);
  const stored = new Map<string, Promise<ImportMessageResult>>();
  for (const m of messages) {
    const key = `${m.from}\n${m.random}\n${m.time}`;
    const twin = stored.get(key);
    if (twin) {
      results.push(twin);
      continue;
    }
    if (!sendTimeAccepted(m.time, floor, now)) {
      refused.push({ index: results.length, message: m });
      results.push({ seq: 0, time: m.time, code: TIME_REFUSED });
      continue;
    }
    floor = m.time;
    const out = s.stream.append({ entry: entryOf(s, m), time: m.time }, () => []).then((o) => ({ seq: o.seq, time: m.time, code: 0 }));
    stored.set(key, out);
    results.push(out);
  }
  if (stored.size > 0) s.group.profile = { ...s.group.profile, lastMsgTime: Math.max(s.group.profile.lastMsgTime, floor) };
  const answers = await Promise.all(results);
  // A message refused for its time may be one this group already holds (a retried import): answer its SEQ.
  for (const { index, message } of refused) {
    const seq = await storedCopy(s, reader, message);
    if (seq !== undefined) answers[index] = { seq, time: message.time, code: 0 };
  }
  if (stored.size > 0) {
    s.group.profile = { ...s.group.profile, importedUpTo: s.stream.head };
    await im.store.groups.updateGroup(s.group.groupId, { profile: JSON.stringify(s.group.profile) });
  }
  return answers;
}
