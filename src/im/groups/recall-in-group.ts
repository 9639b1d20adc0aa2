/**
 * Recalling group messages, as the group actor's handlers run it over its state: each SEQ is
 * checked on its own (Tencent's per-item RetCode), the messages are marked recalled (history reads
 * them as holes, `IsPlaceMsg` 2), and one recall tip tells the members' devices which SEQs went.
 * delete_group_msg_by_sender marks a sender's recent messages the same way, silently.
 */
import { FLAG_RECALLED, type GroupMessage } from '../../protocol/entries.ts';
import type { StoredEntry } from '../../../storage/store.ts';
import type { RecallResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { atLeast, policyOf } from './group-policy.ts';
import { announce } from './tips.ts';

/** Tencent's RetCodes of group_msg_recall. */
const NOT_FOUND = 10030;
const TOO_LATE = 10031;
const NOT_RECALLABLE = 10032;
const TYPE_UNSUPPORTED = 10033;
const NOT_ALLOWED = 10007;

/** delete_group_msg_by_sender looks at the latest 1000 messages. */
export const DELETE_BY_SENDER_WINDOW = 1000;

const messageOf = (row: StoredEntry): GroupMessage | undefined => {
  const entry = JSON.parse(row.payload) as { kind: string };
  return entry.kind === 'group' ? (entry as GroupMessage) : undefined;
};

/**
 * Whether `caller` may recall `m`: App admins always; a user their own message within the recall
 * window, or as the owner or an admin anyone's.
 */
function recallCode(im: ImContext, s: GroupActorState, caller: Caller, m: GroupMessage): number {
  if (caller.kind === 'admin') return 0;
  const role = s.members.get(caller.userId)?.role;
  if (role && m.from !== caller.userId && atLeast(role, 'Admin')) return 0;
  if (m.from !== caller.userId) return NOT_ALLOWED;
  return im.now() - m.time > im.limits.recallWindowS * 1000 ? TOO_LATE : 0;
}

export async function recall(im: ImContext, s: GroupActorState, caller: Caller, seqs: readonly number[]): Promise<RecallResult[]> {
  if (!policyOf(s.group.type).recall) return seqs.map((seq) => ({ seq, code: TYPE_UNSUPPORTED }));
  const results: RecallResult[] = [];
  const marked: number[] = [];
  for (const seq of seqs) {
    const row = seq >= 1 && seq <= s.stream.head ? await s.stream.read(seq) : undefined;
    const m = row ? messageOf(row) : undefined;
    const code = !row ? NOT_FOUND : !m ? NOT_RECALLABLE : recallCode(im, s, caller, m);
    results.push({ seq, code });
    if (code === 0 && row && (row.flags & FLAG_RECALLED) === 0) marked.push(seq);
  }
  if (marked.length > 0) {
    await s.stream.markRecalled(marked);
    await announce(s, { tip: 'recall', operator: caller.userId, members: [], seqs: marked }, 'stored', s.members.keys(), im.now());
  }
  return results;
}

/** Marks `sender`'s messages among the latest DELETE_BY_SENDER_WINDOW recalled; members are not told (spec §3.6). */
export async function deleteBySender(s: GroupActorState, sender: string): Promise<void> {
  if (!policyOf(s.group.type).history) return;
  const rows = await s.stream.readBack(s.stream.head, DELETE_BY_SENDER_WINDOW);
  const seqs = rows.filter((r) => (r.flags & FLAG_RECALLED) === 0 && messageOf(r)?.from === sender).map((r) => r.seq);
  if (seqs.length > 0) await s.stream.markRecalled(seqs);
}
