/**
 * Custom fields of groups and members (Tencent AppDefinedData / AppMemberDefinedData, spec §5.3):
 * at most 10 keys per group and 5 per member, keys of ≤16 bytes of `[A-Za-z0-9_]`, values of ≤512 bytes
 * (group) or ≤64 bytes (member). A change merges into the current fields; a value of `""` deletes its key.
 */
import { imError } from '../../protocol/errors.ts';

export interface AppDataLimits {
  readonly field: string;
  readonly maxKeys: number;
  readonly maxValueBytes: number;
}

export const GROUP_DATA: AppDataLimits = { field: 'AppDefinedData', maxKeys: 10, maxValueBytes: 512 };
export const MEMBER_DATA: AppDataLimits = { field: 'AppMemberDefinedData', maxKeys: 5, maxValueBytes: 64 };

const KEY = /^[A-Za-z0-9_]{1,16}$/;

function checkEntry(limits: AppDataLimits, key: string, value: string): void {
  if (!KEY.test(key)) throw imError('GroupInvalidParam', { detail: `${limits.field} key ${JSON.stringify(key)} must be 1 to 16 characters of A-Z, a-z, 0-9 and _` });
  if (Buffer.byteLength(value) > limits.maxValueBytes) {
    throw imError('GroupInvalidParam', { detail: `${limits.field} value of ${key} is longer than ${limits.maxValueBytes} bytes` });
  }
}

/**
 * `current` with `patch` applied (`""` deletes), checked against `limits`; refuses without changing
 * anything. Built through a Map and Object.fromEntries, so a key such as `__proto__` stays a plain key.
 */
export function mergeAppData(limits: AppDataLimits, current: Readonly<Record<string, string>>, patch: Readonly<Record<string, string>>): Record<string, string> {
  const next = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(patch)) {
    checkEntry(limits, key, value);
    if (value === '') next.delete(key);
    else next.set(key, value);
  }
  if (next.size > limits.maxKeys) throw imError('GroupInvalidParam', { detail: `${limits.field} holds more than ${limits.maxKeys} keys` });
  return Object.fromEntries(next);
}

/** Key/value pairs as a record (each checked), refusing a key given twice. */
export function appDataOf(limits: AppDataLimits, kv: readonly { readonly key: string; readonly value: string }[] | undefined): Record<string, string> {
  const out = new Map<string, string>();
  for (const { key, value } of kv ?? []) {
    checkEntry(limits, key, value);
    if (out.has(key)) throw imError('GroupInvalidParam', { detail: `${limits.field} names ${key} twice` });
    out.set(key, value);
  }
  if (out.size > limits.maxKeys) throw imError('GroupInvalidParam', { detail: `${limits.field} holds more than ${limits.maxKeys} keys` });
  return Object.fromEntries(out);
}
