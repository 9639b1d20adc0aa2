/**
 * The offline-push device registry (issue 16, item 1): a logged-in device registers where its
 * provider reaches it — an APNs token with its bundle id and environment, an FCM registration
 * token, or a Web Push subscription — with its push settings, and unregisters on logout. Records
 * are per device (several browsers of one user each keep theirs), survive restarts, and are read by
 * whichever node runs the user's inbox actor. A device registers again on every login (tokens
 * change); its last connection time decides its `PushOnline` status (presence/query-status.ts).
 */
import { z } from 'zod';
import type { Platform, PushConfigView, PushDeviceView } from '../../protocol/client-ops.ts';
import { type PushSettings, type PushTarget, pushSettings, pushTarget } from '../../protocol/push.ts';
import type { PushDeviceRecord } from '../../../storage/store.ts';
import { defineCommand } from '../command.ts';

/** How long after its last connection a registered mobile device counts as PushOnline (Tencent: 7 days). */
export const PUSH_ONLINE_MS = 7 * 86_400_000;
/** Platforms Tencent reports PushOnline for: mobile ones. */
const PUSH_ONLINE_PLATFORMS: ReadonlySet<string> = new Set<Platform>(['iOS', 'Android', 'iPad']);

export const viewOf = (d: PushDeviceRecord): PushDeviceView => ({
  deviceId: d.deviceId,
  platform: d.platform,
  target: JSON.parse(d.target) as PushTarget,
  settings: JSON.parse(d.settings) as PushSettings,
  registeredAt: d.registeredAt,
  lastActiveAt: d.lastActiveAt,
});

/** Whether a registration makes its user PushOnline at `now` (while none of their devices is connected). */
export const isPushOnline = (d: PushDeviceRecord, now: number): boolean => PUSH_ONLINE_PLATFORMS.has(d.platform) && d.lastActiveAt + PUSH_ONLINE_MS > now;

export const registerPushCommand = defineCommand({
  name: 'push.register',
  callers: ['user'],
  owner: 'store',
  input: z.object({ deviceId: z.string().min(1).max(128), target: pushTarget, settings: pushSettings.default({ enabled: true, doNotDisturb: false }) }),
  run: async (ctx, caller, i): Promise<PushDeviceView> => {
    const now = ctx.now();
    const record: PushDeviceRecord = {
      userId: caller.userId,
      deviceId: i.deviceId,
      platform: caller.platform,
      provider: i.target.provider,
      target: JSON.stringify(i.target),
      settings: JSON.stringify(i.settings),
      registeredAt: now,
      lastActiveAt: now,
    };
    await ctx.store.pushDevices.putDevice(record);
    return viewOf(record);
  },
});

export const unregisterPushCommand = defineCommand({
  name: 'push.unregister',
  callers: ['user'],
  owner: 'store',
  input: z.object({ deviceId: z.string().min(1).max(128) }),
  run: async (ctx, caller, i): Promise<{ readonly removed: boolean }> => ({ removed: await ctx.store.pushDevices.removeDevice(caller.userId, i.deviceId) }),
});

export const pushDevicesCommand = defineCommand({
  name: 'push.devices',
  callers: ['user'],
  owner: 'store',
  input: z.object({}),
  run: async (ctx, caller): Promise<readonly PushDeviceView[]> => (await ctx.store.pushDevices.devicesOf([caller.userId])).map(viewOf),
});

export const pushConfigCommand = defineCommand({
  name: 'push.config',
  callers: ['user'],
  owner: 'store',
  input: z.object({}),
  run: async (ctx): Promise<PushConfigView> => ({
    providers: ctx.push?.providers ?? [],
    ...(ctx.push?.vapidPublicKey !== undefined ? { vapidPublicKey: ctx.push.vapidPublicKey } : {}),
  }),
});
