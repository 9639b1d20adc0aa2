/**
 * Announcing a change to a group's members: the tip is stored in the group stream (a SEQ, pushed
 * once committed, its event published from the stream), pushed live only, or not sent — as the
 * type's policy says for that kind of change. A tip that is not stored still has its event, through
 * the group's outbox; its id is drawn once, when it is recorded, and kept by every re-publish.
 */
import { randomUUID } from 'node:crypto';
import type { GroupTip } from '../../protocol/entries.ts';
import { eventOfEntry } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { GroupActorState } from './group-actor-state.ts';
import type { TipDelivery } from './group-policy.ts';
import { withAudience } from './audience.ts';

/** Tip fields the caller gives; the group, time and kind tag are filled in. */
export type TipSpec = GroupTip extends infer T ? (T extends GroupTip ? Omit<T, 'kind' | 'groupId' | 'time'> : never) : never;

/** Announces `spec` to `audience` by `delivery`; returns the tip's SEQ (0 when not stored). */
export async function announce(s: GroupActorState, spec: TipSpec, delivery: TipDelivery, audience: Iterable<string>, now: number): Promise<number> {
  const entry = { ...spec, kind: 'tip', groupId: s.group.groupId, time: now } as GroupTip;
  if (delivery === 'stored') return (await s.stream.append({ entry, time: now }, () => audience)).seq;
  if (delivery === 'live') s.stream.pushOnline(entry, withAudience(audience, s.audience));
  const stream = groupStream(s.group.groupId);
  const ev = eventOfEntry(stream, 0, entry, s.group.type);
  if (ev) await s.stream.emit([{ ...ev, id: `${stream}#${entry.tip}:${now}:${randomUUID()}` }]);
  return 0;
}
