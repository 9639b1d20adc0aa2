/**
 * The rules of user profiles (Tencent's profile service, spec §3.3 and §6.1) as pure functions: the
 * catalogue of standard `Tag_Profile_IM_*` tags and operator-declared `Tag_Profile_Custom_*` tags,
 * checking a portrait_set request, rendering a portrait_get answer, and what the rest of Parley
 * reads from a profile (AllowType, AdminForbidType, MsgSettings).
 */
import type { ProfileItem } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';

export type ProfileValue = string | number;
/** A stored profile: tag → value of the tags ever set; an unset tag reads as its default. */
export type ProfileValues = ReadonlyMap<string, ProfileValue>;
export type { ProfileItem };

/** Who reads or writes a profile: the App admin (every REST call) or a logged-in user (a `Caller` fits). */
export type ProfileAccessor = { readonly kind: 'admin' } | { readonly kind: 'user'; readonly userId: string };

/** Who may read a tag besides the App admin: every user, only the profile's owner, or nobody else. */
export type ReadLevel = 'anyone' | 'self' | 'admin';
/** Who may write a tag besides the App admin: the profile's owner, or nobody else. */
export type WriteLevel = 'self' | 'admin';

interface TagAccess {
  readonly tag: string;
  readonly read: ReadLevel;
  readonly write: WriteLevel;
}
/** A string tag: UTF-8 values of at most `maxBytes`, or exactly one of `values` when set. */
export interface StringTagRule extends TagAccess {
  readonly type: 'string';
  readonly maxBytes: number;
  readonly values?: readonly string[];
  readonly default: string;
}
/** An unsigned 32-bit integer tag (standard tags only). */
export interface Uint32TagRule extends TagAccess {
  readonly type: 'uint32';
  readonly default: number;
}
export type ProfileTagRule = StringTagRule | Uint32TagRule;

/** An operator-declared `Tag_Profile_Custom_{key}`; Tencent's `bytes` tags travel as strings too. */
export interface CustomProfileTag extends StringTagRule {
  readonly key: string;
  readonly declaredType: 'string' | 'bytes';
}

/** Tencent's limit on a string value (spec §6.1, §8.2), also the most a custom tag may be declared to hold. */
export const PROFILE_VALUE_MAX_BYTES = 500;
export const LOCATION_MAX_BYTES = 16;
export const UINT32_MAX = 0xffff_ffff;
export const CUSTOM_TAG_PREFIX = 'Tag_Profile_Custom_';

export const ProfileTag = {
  Nick: 'Tag_Profile_IM_Nick',
  Gender: 'Tag_Profile_IM_Gender',
  BirthDay: 'Tag_Profile_IM_BirthDay',
  Location: 'Tag_Profile_IM_Location',
  SelfSignature: 'Tag_Profile_IM_SelfSignature',
  AllowType: 'Tag_Profile_IM_AllowType',
  Language: 'Tag_Profile_IM_Language',
  Image: 'Tag_Profile_IM_Image',
  MsgSettings: 'Tag_Profile_IM_MsgSettings',
  AdminForbidType: 'Tag_Profile_IM_AdminForbidType',
  Level: 'Tag_Profile_IM_Level',
  Role: 'Tag_Profile_IM_Role',
} as const;

/** Enumerations of the enumerated standard tags; the first of each is its default. */
export const Gender = ['Gender_Type_Unknown', 'Gender_Type_Female', 'Gender_Type_Male'] as const;
export const AllowType = ['AllowType_Type_NeedConfirm', 'AllowType_Type_AllowAny', 'AllowType_Type_DenyAny'] as const;
export const AdminForbidType = ['AdminForbid_Type_None', 'AdminForbid_Type_SendOut'] as const;
export type AllowTypeValue = (typeof AllowType)[number];

const text = (tag: string, maxBytes = PROFILE_VALUE_MAX_BYTES): StringTagRule => ({ tag, type: 'string', maxBytes, default: '', read: 'anyone', write: 'self' });
const oneOf = (tag: string, values: readonly string[], write: WriteLevel = 'self'): StringTagRule => ({
  tag, type: 'string', maxBytes: PROFILE_VALUE_MAX_BYTES, values, default: values[0], read: 'anyone', write,
});
const uint32 = (tag: string): Uint32TagRule => ({ tag, type: 'uint32', default: 0, read: 'anyone', write: 'self' });

/**
 * The standard tags, in Tencent's table order. Everyone may read them (portrait_get works between
 * strangers); a user writes their own, except AdminForbidType, which only the App admin sets.
 */
export const STANDARD_PROFILE_TAGS: ReadonlyMap<string, ProfileTagRule> = new Map(
  [
    text(ProfileTag.Nick),
    oneOf(ProfileTag.Gender, Gender),
    uint32(ProfileTag.BirthDay),
    text(ProfileTag.Location, LOCATION_MAX_BYTES),
    text(ProfileTag.SelfSignature),
    oneOf(ProfileTag.AllowType, AllowType),
    uint32(ProfileTag.Language),
    text(ProfileTag.Image),
    uint32(ProfileTag.MsgSettings),
    oneOf(ProfileTag.AdminForbidType, AdminForbidType, 'admin'),
    uint32(ProfileTag.Level),
    uint32(ProfileTag.Role),
  ].map((rule) => [rule.tag, rule]),
);

// ---- custom tag declarations ----------------------------------------------------------------

const READ_LEVELS: readonly ReadLevel[] = ['anyone', 'self', 'admin'];
const WRITE_LEVELS: readonly WriteLevel[] = ['self', 'admin'];
const isReadLevel = (s: string): s is ReadLevel => (READ_LEVELS as readonly string[]).includes(s);
const isWriteLevel = (s: string): s is WriteLevel => (WRITE_LEVELS as readonly string[]).includes(s);

interface Declared {
  declaredType?: 'string' | 'bytes';
  maxBytes?: number;
  read?: ReadLevel;
  write?: WriteLevel;
}

const declarationError = (decl: string, detail: string): Error => new Error(`custom profile tag "${decl}": ${detail}`);

function once<K extends keyof Declared>(out: Declared, key: K, value: Declared[K], decl: string): void {
  if (out[key] !== undefined) throw declarationError(decl, `${key} is given twice`);
  out[key] = value;
}

function sizeOf(field: string, decl: string): number {
  const max = Number(field);
  if (max < 1 || max > PROFILE_VALUE_MAX_BYTES) throw declarationError(decl, `the size must be 1 to ${PROFILE_VALUE_MAX_BYTES} bytes, got ${field}`);
  return max;
}

/** Sets one option of a declaration from `field`; throws on an unknown, bad or repeated option. */
function applyField(out: Declared, field: string, decl: string): void {
  if (field === 'string' || field === 'bytes') return once(out, 'declaredType', field, decl);
  if (/^\d+$/.test(field)) return once(out, 'maxBytes', sizeOf(field, decl), decl);
  const m = /^(r|w|rw)=(.*)$/.exec(field);
  if (m === null) throw declarationError(decl, `unknown option "${field}" (expected string, bytes, a size, r=, w= or rw=)`);
  const [, which, level] = m;
  if (which !== 'w') {
    if (!isReadLevel(level)) throw declarationError(decl, `the read level must be one of ${READ_LEVELS.join(', ')}, got "${level}"`);
    once(out, 'read', level, decl);
  }
  if (which !== 'r') {
    if (!isWriteLevel(level)) throw declarationError(decl, `the write level must be one of ${WRITE_LEVELS.join(', ')}, got "${level}"`);
    once(out, 'write', level, decl);
  }
}

function parseDeclaration(decl: string): CustomProfileTag {
  const [head, ...fields] = decl.split(':').map((f) => f.trim());
  const key = head.startsWith(CUSTOM_TAG_PREFIX) ? head.slice(CUSTOM_TAG_PREFIX.length) : head;
  if (!/^[A-Za-z]{1,8}$/.test(key)) throw declarationError(decl, `the key must be 1 to 8 letters A-Z or a-z, got "${key}"`);
  const d: Declared = {};
  for (const field of fields) applyField(d, field, decl);
  return {
    tag: CUSTOM_TAG_PREFIX + key,
    key,
    type: 'string',
    declaredType: d.declaredType ?? 'string',
    maxBytes: d.maxBytes ?? PROFILE_VALUE_MAX_BYTES,
    default: '',
    read: d.read ?? 'anyone',
    write: d.write ?? 'self',
  };
}

/**
 * Parses the operator's custom tag declarations (read once at startup by the config module).
 * Syntax: declarations separated by `,`; each is `Key` followed by `:`-separated options in any
 * order, each at most once:
 *   `string` | `bytes`  the declared type (default string; both are strings on the wire)
 *   `<n>`               the most UTF-8 bytes a value may take, 1–500 (default 500)
 *   `r=anyone|self|admin`, `w=self|admin`, `rw=self|admin`  who besides the App admin may read /
 *                       write (default r=anyone, w=self)
 * Key is 1–8 ASCII letters, with or without the `Tag_Profile_Custom_` prefix; whitespace around
 * parts is ignored; a blank spec declares nothing. Example: `Hobby:string:100, Vip:8:w=admin, Note:rw=self`.
 * Throws an Error naming the bad declaration.
 */
export function parseCustomProfileTags(spec: string): CustomProfileTag[] {
  if (spec.trim() === '') return [];
  const tags = spec.split(',').map((decl) => {
    if (decl.trim() === '') throw new Error(`custom profile tags "${spec}": an empty declaration (a stray comma?)`);
    return parseDeclaration(decl.trim());
  });
  const seen = new Set<string>();
  for (const { tag, key } of tags) {
    if (seen.has(tag)) throw new Error(`custom profile tags "${spec}": ${key} is declared twice`);
    seen.add(tag);
  }
  return tags;
}

// ---- access -----------------------------------------------------------------------------------

/** The rule of `tag`, standard or declared; undefined for anything else (an undeclared custom tag included). */
export function profileTagRule(tag: string, custom: readonly CustomProfileTag[]): ProfileTagRule | undefined {
  return STANDARD_PROFILE_TAGS.get(tag) ?? (tag.startsWith(CUSTOM_TAG_PREFIX) ? custom.find((c) => c.tag === tag) : undefined);
}

function knownRule(tag: string, custom: readonly CustomProfileTag[]): ProfileTagRule {
  const rule = profileTagRule(tag, custom);
  if (rule === undefined) throw imError('ProfileTagUnknown', { tag });
  return rule;
}

const who = (a: ProfileAccessor): string => (a.kind === 'admin' ? 'the App admin' : `user ${a.userId}`);

/** A user writes only their own profile, so a user writer is the owner. */
const mayWrite = (rule: ProfileTagRule, writer: ProfileAccessor): boolean => writer.kind === 'admin' || rule.write === 'self';

const mayRead = (rule: ProfileTagRule, reader: ProfileAccessor, owner: string): boolean =>
  reader.kind === 'admin' || rule.read === 'anyone' || (rule.read === 'self' && reader.userId === owner);

// ---- portrait_set -----------------------------------------------------------------------------

const invalidParam = (detail: string) => imError('ProfileInvalidParam', { detail });

/**
 * The value to store for `value` under `rule`, or the error: wrong JSON type 40610; a uint32 that
 * is not an integer in 0..2^32-1, a string outside its enumeration or not well-formed text 40605;
 * a string over its byte limit 40601.
 */
export function checkProfileValue(rule: ProfileTagRule, value: unknown): ProfileValue {
  const { tag } = rule;
  if (rule.type === 'uint32') {
    if (typeof value !== 'number') throw imError('ProfileValueType', { tag, type: 'an unsigned 32-bit integer' });
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) throw imError('ProfileValueInvalid', { tag, detail: `${value} is not an integer from 0 to ${UINT32_MAX}` });
    return Math.abs(value); // -0 → 0
  }
  if (typeof value !== 'string') throw imError('ProfileValueType', { tag, type: 'a string' });
  if (!value.isWellFormed()) throw imError('ProfileValueInvalid', { tag, detail: 'it holds a lone UTF-16 surrogate' });
  if (rule.values !== undefined) {
    if (!rule.values.includes(value)) throw imError('ProfileValueInvalid', { tag, detail: `"${value}" is not one of ${rule.values.join(', ')}` });
    return value;
  }
  const size = Buffer.byteLength(value);
  if (size > rule.maxBytes) throw imError('ProfileValueTooLong', { tag, size, max: rule.maxBytes });
  return value;
}

function itemOf(item: unknown): { tag: string; value: unknown } {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidParam('each ProfileItem entry must be an object {Tag, Value}');
  const { Tag: tag, Value: value } = item as Record<string, unknown>;
  if (typeof tag !== 'string' || tag === '') throw invalidParam('a ProfileItem entry has no Tag');
  if (value === undefined) throw invalidParam(`the ProfileItem entry of ${tag} has no Value`);
  return { tag, value };
}

/**
 * Checks a portrait_set `ProfileItem` (as parsed from JSON) written by `writer`, and returns the
 * changes in request order. All or nothing: the first bad entry throws — not a non-empty array,
 * an entry without Tag or Value, or a tag given twice 40001; an unknown or undeclared tag 40009; a
 * tag `writer` may not write 40008; then the value errors of `checkProfileValue`.
 */
export function checkPortraitSet(items: unknown, writer: ProfileAccessor, custom: readonly CustomProfileTag[]): Map<string, ProfileValue> {
  if (!Array.isArray(items) || items.length === 0) throw invalidParam('ProfileItem must be a non-empty array of {Tag, Value}');
  const changes = new Map<string, ProfileValue>();
  for (const item of items) {
    const { tag, value } = itemOf(item);
    if (changes.has(tag)) throw invalidParam(`ProfileItem gives ${tag} twice`);
    const rule = knownRule(tag, custom);
    if (!mayWrite(rule, writer)) throw imError('ProfileTagNotWritable', { tag, who: who(writer) });
    changes.set(tag, checkProfileValue(rule, value));
  }
  return changes;
}

// ---- portrait_get -----------------------------------------------------------------------------

/**
 * The rules of a portrait_get `TagList`, in request order with repeats dropped. Throws 40001 unless
 * it is a non-empty array of strings, 40009 at the first unknown or undeclared tag. Independent of
 * the reader, so a batch read may check it once for all accounts.
 */
export function resolveTagList(tagList: unknown, custom: readonly CustomProfileTag[]): ProfileTagRule[] {
  if (!Array.isArray(tagList) || tagList.length === 0 || !tagList.every((t) => typeof t === 'string')) {
    throw invalidParam('TagList must be a non-empty array of tag names');
  }
  return [...new Set<string>(tagList)].map((tag) => knownRule(tag, custom));
}

/**
 * The portrait_get answer for `owner`'s stored `values`: one `{Tag, Value}` per requested tag, in
 * request order, an unset tag as its default ("" for strings, 0 for integers, the first value of
 * an enumeration). Throws as `resolveTagList`, and 40007 at the first tag `reader` may not read.
 */
export function readPortrait(owner: string, values: ProfileValues, tagList: unknown, reader: ProfileAccessor, custom: readonly CustomProfileTag[]): ProfileItem[] {
  return resolveTagList(tagList, custom).map((rule) => {
    if (!mayRead(rule, reader, owner)) throw imError('ProfileTagNotReadable', { tag: rule.tag, who: who(reader) });
    return { Tag: rule.tag, Value: values.get(rule.tag) ?? rule.default };
  });
}

/** Profile values as wire items, in map order (e.g. the changes for Profile.CallbackPortraitSet). */
export const profileItems = (values: ProfileValues): ProfileItem[] => [...values].map(([Tag, Value]) => ({ Tag, Value }));

// ---- what the rest of Parley reads --------------------------------------------------------------

const isAllowType = (v: ProfileValue | undefined): v is AllowTypeValue => (AllowType as readonly ProfileValue[]).includes(v ?? '');

/** How the user takes friend requests; NeedConfirm when never set. */
export const allowTypeOf = (profile: ProfileValues): AllowTypeValue => {
  const v = profile.get(ProfileTag.AllowType);
  return isAllowType(v) ? v : 'AllowType_Type_NeedConfirm';
};

/** True when the App admin forbade the user to send friend requests (AdminForbid_Type_SendOut → 30009). */
export const adminForbidsFriendRequests = (profile: ProfileValues): boolean => profile.get(ProfileTag.AdminForbidType) === 'AdminForbid_Type_SendOut';

/** True when the user receives no messages: bit 0 of MsgSettings. */
export const refusesMessages = (profile: ProfileValues): boolean => {
  const v = profile.get(ProfileTag.MsgSettings);
  return typeof v === 'number' && (v & 1) === 1;
};
