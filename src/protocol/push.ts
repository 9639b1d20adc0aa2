/**
 * What a device registers for offline push (shared by the server and the SDK): where its provider
 * reaches it, and its push settings. A registration that does not fit is refused with 70402 naming the field.
 */
import { z } from 'zod';
import type { ErrorName } from './errors.ts';

/** `bytes` bytes in base64url (padding optional), checked by length alone so browsers need no Buffer. */
const base64url = (bytes: number) =>
  z.string().refine((s) => /^[A-Za-z0-9_-]+={0,2}$/.test(s) && s.replace(/=+$/, '').length === Math.ceil((bytes * 4) / 3), { error: `must be ${bytes} bytes, base64url` });

/** Where a provider reaches the device. */
export const pushTarget = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('apns'), token: z.string().regex(/^[0-9a-fA-F]{64,200}$/, 'must be the APNs device token in hex'), bundleId: z.string().min(1).max(255), environment: z.enum(['sandbox', 'production']) }),
  z.object({ provider: z.literal('fcm'), token: z.string().min(1).max(4096) }),
  z.object({
    provider: z.literal('webpush'),
    endpoint: z.url({ protocol: /^https$/, error: 'must be the https endpoint of the push subscription' }).max(2048),
    keys: z.object({ p256dh: base64url(65), auth: base64url(16) }),
  }),
]);
export type PushTarget = z.infer<typeof pushTarget>;

const minuteOfDay = z.number().int().min(0).max(1439);
/** Per-device settings: pushes off, the sound, quiet hours (minutes of the day in the device's UTC offset), do-not-disturb. */
export const pushSettings = z.object({
  enabled: z.boolean().default(true),
  sound: z.string().max(128).optional(),
  quietHours: z.object({ from: minuteOfDay, to: minuteOfDay, utcOffsetMinutes: z.number().int().min(-720).max(840) }).optional(),
  doNotDisturb: z.boolean().default(false),
});
export type PushSettings = z.output<typeof pushSettings>;


/** Tencent's OfflinePushInfo as a send request gives it (spec §4.4); stored with the message. */
export interface OfflinePushInfo {
  readonly PushFlag?: 0 | 1;
  readonly Title?: string;
  readonly Desc?: string;
  readonly Ext?: string;
  readonly AndroidInfo?: { readonly Sound?: string };
  readonly ApnsInfo?: {
    readonly Sound?: string;
    readonly BadgeMode?: number;
    readonly Title?: string;
    readonly SubTitle?: string;
    readonly Image?: string;
    readonly MutableContent?: number;
  };
}

/**
 * OfflinePushInfo as a request field: an object with the push flag, title, text, pass-through
 * payload and the Android / APNs specifics. Anything else is refused with `err` (90043 on openim
 * and client C2C sends, 10004 on groups). Unknown keys inside are kept: Tencent adds vendor fields
 * over time.
 */
export function offlinePushInfo(err: ErrorName) {
  const s = z.string({ error: err });
  const n = z.number({ error: err }).int({ error: err });
  return z.looseObject(
    {
      PushFlag: z.union([z.literal(0), z.literal(1)], { error: err }).optional(),
      Title: s.optional(),
      Desc: s.optional(),
      Ext: s.optional(),
      AndroidInfo: z.looseObject({ Sound: s.optional(), VIVOClassification: n.optional(), HuaWeiImportance: s.optional() }, { error: err }).optional(),
      ApnsInfo: z
        .looseObject({ Sound: s.optional(), BadgeMode: n.optional(), Title: s.optional(), SubTitle: s.optional(), Image: s.optional(), MutableContent: n.optional() }, { error: err })
        .optional(),
    },
    { error: err },
  );
}
