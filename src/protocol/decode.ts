/**
 * Decoding with catalogue errors: zod schemas whose failing field carries a catalogue name as its
 * message raise that error (so a bad MsgRandom is 90005 on REST and on the client alike); any other
 * failure raises the caller's fallback with zod's description.
 */
import type { z } from 'zod';
import { type ErrorName, errors, imError } from './errors.ts';

const isErrorName = (s: string): s is ErrorName => Object.hasOwn(errors, s);

/** Parses `value`, or throws the first failure as an ImError (`{field}` = the failing path). */
export function decode<S extends z.ZodType>(schema: S, value: unknown, fallback: ErrorName): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.join('.');
  if (isErrorName(issue.message)) throw imError(issue.message, { field, detail: `${field} is invalid` });
  throw imError(fallback, { field, detail: field ? `${field}: ${issue.message}` : issue.message });
}
