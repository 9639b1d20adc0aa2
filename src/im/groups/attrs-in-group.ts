/**
 * Group attributes as the group actor's handlers keep them: read from the group profile, changed
 * within the limits and the write rate (group-attr-rules.ts), stored with the profile, and pushed
 * to the online members as a live `groupAttr` entry holding every attribute (no SEQ, not stored).
 */
import type { GroupAttrNotice } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import type { GroupAttrChange } from '../actor-api.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import type { GroupProfile } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import { withAudience } from './audience.ts';
import { type AttrEntries, DEFAULT_ATTR_WRITE_RATE, admitAttrWrite, applyAttrChange, attrMap } from './group-attr-rules.ts';

export const attrsOf = (s: GroupActorState): AttrEntries => s.group.profile.attrs?.entries ?? [];

/**
 * Applies `change`. The new attributes take effect in the actor at once, before they are stored, so
 * writes that overlap build on each other in the order they came (none is lost); a write the store
 * refuses is undone unless a later one already built on it (whose stored copy includes it).
 * clear_group_attr is refused (10007) where the policy says so (Tencent: Community groups).
 */
export async function changeAttrs(im: ImContext, s: GroupActorState, change: GroupAttrChange): Promise<void> {
  const g = s.group;
  if (change.kind === 'clear' && !policyOf(g.type).clearAttrs) throw imError('GroupNoPermission', { detail: `${g.type} groups take no clear_group_attr; delete the attributes by key` });
  const now = im.now();
  const base = g.profile;
  const entries = applyAttrChange(g.groupId, attrsOf(s), change);
  const writes = admitAttrWrite(g.groupId, base.attrs?.writes ?? [], now, im.limits.groupAttrWriteRate ?? DEFAULT_ATTR_WRITE_RATE);
  const next: GroupProfile = { ...base, attrs: { entries, writes } };
  g.profile = next;
  try {
    await im.store.groups.updateGroup(g.groupId, { profile: JSON.stringify(next) });
  } catch (e) {
    if (g.profile === next) g.profile = base;
    throw e;
  }
  const notice: GroupAttrNotice = { kind: 'groupAttr', groupId: g.groupId, attrs: attrMap(entries), time: now };
  s.stream.pushOnline(notice, withAudience(s.members.keys(), s.audience));
}
