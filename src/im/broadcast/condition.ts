/**
 * The audience of an all-member push (Tencent im_push `Condition`, spec §3.7): checked and resolved
 * once, when pushed, into a BroadcastCondition by attribute slot; matched against a user's tags and
 * attribute values wherever the push is delivered (live, and when a device syncs).
 */
import type { BroadcastCondition } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import { PUSH_TARGET_LIMITS, checkAttrText, slotOf, slotsByName } from '../push-targets/rules.ts';

/** A condition as the request names it: attributes by name. */
export interface ConditionInput {
  readonly tagsOr?: readonly string[];
  readonly tagsAnd?: readonly string[];
  readonly attrsOr?: Readonly<Record<string, string>>;
  readonly attrsAnd?: Readonly<Record<string, string>>;
}

/** Tags of a condition list: 1 to 10 (90032), none empty (90040), none over 50 bytes (90020), none twice (90022). */
function checkTags(field: string, tags: readonly string[]): void {
  if (tags.length > PUSH_TARGET_LIMITS.tagsPerRequest) throw imError('PushTooManyTags', { detail: `${field} holds ${tags.length} tags, at most ${PUSH_TARGET_LIMITS.tagsPerRequest}` });
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag.length === 0) throw imError('PushConditionTagEmpty', { field });
    if (Buffer.byteLength(tag) > PUSH_TARGET_LIMITS.textBytes) throw imError('PushConditionTagLength', { tag: JSON.stringify(tag), max: PUSH_TARGET_LIMITS.textBytes });
    if (seen.has(tag)) throw imError('PushConditionTagDuplicate', { field, tag: JSON.stringify(tag) });
    seen.add(tag);
  }
}

/** Attribute pairs by name → by slot; a name the app has not given a slot is 90033, a value empty or over 50 bytes 90030. */
function bySlot(pairs: Readonly<Record<string, string>>, slots: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(pairs)) {
    checkAttrText('value', value);
    out[slotOf(slots, name)] = value;
  }
  return out;
}

const given = <T extends object>(v: T | undefined): v is T => v !== undefined && Object.keys(v).length > 0;

/**
 * Checks a request's condition and resolves its attribute names (the app's, by slot); undefined
 * when it names nobody in particular (no condition, or only empty parts): the push is for everyone.
 */
export function resolveCondition(input: ConditionInput | undefined, attrNames: ReadonlyMap<string, string>): BroadcastCondition | undefined {
  if (!input) return undefined;
  const tags = given(input.tagsOr) || given(input.tagsAnd);
  const attrs = given(input.attrsOr) || given(input.attrsAnd);
  if (tags && attrs) throw imError('PushConditionMixed');
  if (tags) {
    if (input.tagsOr) checkTags('TagsOr', input.tagsOr);
    if (input.tagsAnd) checkTags('TagsAnd', input.tagsAnd);
    return { ...(given(input.tagsOr) ? { tagsOr: [...input.tagsOr] } : {}), ...(given(input.tagsAnd) ? { tagsAnd: [...input.tagsAnd] } : {}) };
  }
  if (attrs) {
    const slots = slotsByName(attrNames);
    return { ...(given(input.attrsOr) ? { attrsOr: bySlot(input.attrsOr, slots) } : {}), ...(given(input.attrsAnd) ? { attrsAnd: bySlot(input.attrsAnd, slots) } : {}) };
  }
  return undefined;
}

/** What a condition needs to know of a user. */
export interface TargetFacts {
  readonly tags?: readonly string[];
  /** Attribute values by slot. */
  readonly attrs?: Readonly<Record<string, string>>;
}

/** Whether a user with these tags and attributes is targeted; every part given must hold. */
export function matches(c: BroadcastCondition | undefined, user: TargetFacts): boolean {
  if (!c) return true;
  const tags = user.tags ?? [];
  const attrs = user.attrs ?? {};
  if (c.tagsOr && !c.tagsOr.some((t) => tags.includes(t))) return false;
  if (c.tagsAnd && !c.tagsAnd.every((t) => tags.includes(t))) return false;
  const has = ([slot, value]: [string, string]): boolean => attrs[slot] === value;
  if (c.attrsOr && !Object.entries(c.attrsOr).some(has)) return false;
  if (c.attrsAnd && !Object.entries(c.attrsAnd).every(has)) return false;
  return true;
}

/** Which facts a condition reads: tags, attributes, or none (everyone). */
export function needs(c: BroadcastCondition | undefined): 'tags' | 'attrs' | 'nothing' {
  if (!c) return 'nothing';
  return c.tagsOr || c.tagsAnd ? 'tags' : c.attrsOr || c.attrsAnd ? 'attrs' : 'nothing';
}
