/** Which of a list of users a push targets, read from the all-member push audience in one call per list. */
import type { BroadcastCondition } from '../../protocol/entries.ts';
import type { PushTargetStore } from '../../../storage/store.ts';
import { matches, needs } from './condition.ts';

/** The users among `userIds` the condition targets, in their order. */
export async function targeted(store: PushTargetStore, c: BroadcastCondition | undefined, userIds: readonly string[]): Promise<string[]> {
  const need = needs(c);
  if (need === 'nothing' || userIds.length === 0) return [...userIds];
  if (need === 'tags') {
    const tags = await store.tagsOf(userIds);
    return userIds.filter((u) => matches(c, { tags: tags.get(u) }));
  }
  const attrs = await store.attrsOf(userIds);
  return userIds.filter((u) => matches(c, { attrs: attrs.get(u) }));
}
