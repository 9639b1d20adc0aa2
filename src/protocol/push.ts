/**
 * What a device registers for offline push (shared by the server and the SDK): where its provider
 * reaches it, and its push settings. A registration that does not fit is refused with 70402 naming the field.
 */
import { z } from 'zod';

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

