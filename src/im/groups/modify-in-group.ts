/**
 * Changing a stored group message (modify_group_msg), as the group actor's handler runs it: the
 * entry keeps its SEQ, sender and time and takes the new body and custom data; a modify tip carries
 * them to the members' devices, which hold the old copy.
 */
import type { GroupMessage } from '../../protocol/entries.ts';
import type { MessagePatch } from '../actor-api.ts';
import { imError } from '../../protocol/errors.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { policyOf } from './group-policy.ts';
import { announce } from './tips.ts';

export async function modifyMessage(im: ImContext, s: GroupActorState, caller: Caller, seq: number, patch: MessagePatch): Promise<void> {
  if (!policyOf(s.group.type).history) throw imError('GroupNoPermission', { detail: `${s.group.type} groups keep no messages to modify` });
  const row = seq >= 1 && seq <= s.stream.head ? await s.stream.read(seq) : undefined;
  const entry = row ? (JSON.parse(row.payload) as { kind: string }) : undefined;
  if (!row || entry?.kind !== 'group') throw imError('GroupMsgNotFound', { groupId: s.group.groupId, seq });
  const m = entry as GroupMessage;
  const next: GroupMessage = { ...m, body: patch.body ?? m.body, ...(patch.cloudCustomData !== undefined ? { cloudCustomData: patch.cloudCustomData } : {}) };
  await s.stream.rewrite(seq, JSON.stringify(next));
  const tip = { tip: 'modify' as const, operator: caller.userId, members: [], seq, body: next.body, ...(next.cloudCustomData !== undefined ? { cloudCustomData: next.cloudCustomData } : {}) };
  await announce(s, tip, 'stored', s.members.keys(), im.now());
}
