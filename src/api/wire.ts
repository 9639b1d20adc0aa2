/**
 * Building blocks for Tencent request schemas: zod fields whose failures name a catalogue error,
 * so a bad field yields Tencent's code for it (e.g. MsgRandom → 90005) when decoded with
 * `decode` (src/protocol/decode.ts).
 */
import { z } from 'zod';
import type { ErrorName } from '../protocol/errors.ts';

/** A string; `err` on a wrong type. */
export const str = (err: ErrorName) => z.string({ error: err });

/** A non-empty string (an account or id); `err` on a wrong type or empty. */
export const nonEmpty = (err: ErrorName) => z.string({ error: err }).min(1, { error: err });

/** An unsigned 32-bit integer. */
export const u32 = (err: ErrorName) =>
  z.number({ error: err }).int({ error: err }).min(0, { error: err }).max(0xffffffff, { error: err });

/** A non-negative integer. */
export const count = (err: ErrorName) => z.number({ error: err }).int({ error: err }).min(0, { error: err });

/** 0/1 flags, as Tencent sends them. */
export const flag = (err: ErrorName) => z.union([z.literal(0), z.literal(1)], { error: err });

/**
 * Tencent `SendMsgControl` (spec §4.3): `NoUnread`, `NoLastMsg`, `WithMuteNotifications` (C2C).
 * C2C messages honour NoUnread and NoLastMsg (src/im/conversations); group conversations are read
 * from the group stream, where they change nothing yet.
 */
export const sendMsgControl = (err: ErrorName, allowed: readonly string[]) =>
  z.array(z.string({ error: err }).refine((v) => allowed.includes(v), { error: err }), { error: err });

/** Tencent `ForbidCallbackControl`: which of the send callbacks this message skips. */
export const forbidCallbacks = (list: readonly string[] | undefined) => ({
  forbidBeforeCallback: list?.includes('ForbidBeforeSendMsgCallback') ?? false,
  forbidAfterCallback: list?.includes('ForbidAfterSendMsgCallback') ?? false,
});

/** `[{Key, Value}]` custom data lists. */
export const keyValues = (err: ErrorName) =>
  z.array(z.object({ Key: z.string({ error: err }), Value: z.string({ error: err }) }, { error: err }), { error: err });

/**
 * Accepts fields under their older Tencent names too (spec §0: "accept both spellings"):
 * `renamed({ Operator_Account: 'From_Account' }, schema)` reads `From_Account` as
 * `Operator_Account` when the current name is absent. The current name wins when both are sent.
 */
export function renamed<T>(aliases: Readonly<Record<string, string>>, schema: z.ZodType<T>): z.ZodType<T> {
  const pairs = Object.entries(aliases);
  return z.preprocess((body) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    let out = body as Record<string, unknown>;
    for (const [current, old] of pairs) {
      if (!Object.hasOwn(out, current) && Object.hasOwn(out, old)) out = { ...out, [current]: out[old] };
    }
    return out;
  }, schema) as unknown as z.ZodType<T>;
}
