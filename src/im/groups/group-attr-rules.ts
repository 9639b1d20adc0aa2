/**
 * The rules of group attributes (Tencent's group_open_attr_http_svc and the SDK's group attributes)
 * as pure functions: applying a change within the limits — keys ≤32 bytes (10045), values ≤4000
 * bytes (10046), ≤16 keys (10047), ≤16000 bytes of keys and values in all (10048), deleting only
 * keys that exist (10050) — and the per-group write rate (10049).
 */
import { imError } from '../../protocol/errors.ts';
import type { GroupAttrChange } from '../actor-api.ts';

export const ATTR_LIMITS = { keyBytes: 32, valueBytes: 4000, keys: 16, totalBytes: 16_000 } as const;

/** Tencent's write rate: 5 attribute writes (set, modify, delete, clear together) per group and second. */
export const DEFAULT_ATTR_WRITE_RATE = 5;

export type AttrEntries = readonly (readonly [key: string, value: string])[];

const bytes = (s: string): number => Buffer.byteLength(s);

function checkKey(key: string): void {
  if (key === '') throw imError('GroupInvalidParam', { detail: 'a group attribute key may not be empty' });
  if (bytes(key) > ATTR_LIMITS.keyBytes) throw imError('GroupAttrKeyTooLong', { key, size: bytes(key), max: ATTR_LIMITS.keyBytes });
}

function checkPairs(pairs: AttrEntries): void {
  for (const [key, value] of pairs) {
    checkKey(key);
    if (bytes(value) > ATTR_LIMITS.valueBytes) throw imError('GroupAttrValueTooLong', { key, size: bytes(value), max: ATTR_LIMITS.valueBytes });
  }
}

/** Checks the whole set: at most 16 keys and 16000 bytes of keys and values. */
function checkTotal(groupId: string, attrs: ReadonlyMap<string, string>): void {
  if (attrs.size > ATTR_LIMITS.keys) throw imError('GroupAttrTooManyKeys', { groupId, count: attrs.size, max: ATTR_LIMITS.keys });
  let size = 0;
  for (const [k, v] of attrs) size += bytes(k) + bytes(v);
  if (size > ATTR_LIMITS.totalBytes) throw imError('GroupAttrTooLarge', { groupId, size, max: ATTR_LIMITS.totalBytes });
}

/**
 * The attributes after `change`, in the order keys were first set (a modified key keeps its place,
 * a new one goes last; `set` replaces everything). Throws, changing nothing, past a limit. A key
 * given twice takes its last value.
 */
export function applyAttrChange(groupId: string, current: AttrEntries, change: GroupAttrChange): AttrEntries {
  // A Map: keys come off the wire, and `__proto__` must be a key like any other.
  const next = new Map(change.kind === 'set' || change.kind === 'clear' ? [] : current);
  switch (change.kind) {
    case 'clear':
      break;
    case 'modify':
    case 'set':
      checkPairs(change.attrs);
      for (const [k, v] of change.attrs) next.set(k, v);
      break;
    case 'delete':
      for (const key of change.keys) {
        checkKey(key);
        if (!next.has(key)) throw imError('GroupAttrKeyMissing', { groupId, key });
      }
      for (const key of change.keys) next.delete(key);
      break;
  }
  checkTotal(groupId, next);
  return [...next];
}

/**
 * The write times (Unix ms) to keep once a write at `now` is admitted: those of the last second
 * plus this one. Refuses (10049) when `rate` writes already fell within the last second.
 */
export function admitAttrWrite(groupId: string, writes: readonly number[], now: number, rate: number): number[] {
  const recent = writes.filter((t) => t > now - 1000 && t <= now);
  if (recent.length >= rate) throw imError('GroupAttrWriteRate', { groupId, max: rate });
  return [...recent, now];
}

/** The attributes as a client sees them (Tencent's SDK map); built with fromEntries, so any key is an own property. */
export const attrMap = (entries: AttrEntries): Record<string, string> => Object.fromEntries(entries);
