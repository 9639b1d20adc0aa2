/**
 * `state.query` (REST query_online_status, querystate; client `user.status`): each account's status
 * — `Online` when any device is connected (the node's view of the cluster's presence, so a user
 * offline costs no actor call), else `PushOnline` when a mobile device registered for offline push
 * was connected within the last 7 days (push/push-devices.ts), else `Offline`. With `detail`, the
 * inbox actor of each online user lists its devices, and registered mobile devices not connected
 * are listed as `PushOnline`. Unknown accounts are answered with 70107 in `errors`.
 */
import { z } from 'zod';
import type { Platform } from '../../protocol/client-ops.ts';
import { errors as catalogue, imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import type { PushDeviceRecord } from '../../../storage/store.ts';
import { isPushOnline } from '../push/push-devices.ts';

/** query_online_status takes at most 500 accounts. */
export const MAX_STATUS_ACCOUNTS = 500;

export type OnlineStatus = 'Online' | 'PushOnline' | 'Offline';

export interface AccountStatus {
  readonly userId: string;
  readonly status: OnlineStatus;
  /** With `detail`: each connected device. */
  readonly devices?: readonly { readonly platform: Platform; readonly status: OnlineStatus }[];
}

export interface StatusAnswer {
  readonly statuses: readonly AccountStatus[];
  readonly errors: readonly { readonly userId: string; readonly code: number }[];
}

export const queryStatusCommand = defineCommand({
  name: 'state.query',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ userIds: z.array(z.string()), detail: z.boolean().default(false) }),
  run: async (ctx, _caller, { userIds, detail }): Promise<StatusAnswer> => {
    if (userIds.length === 0 || userIds.length > MAX_STATUS_ACCOUNTS) throw imError('C2CInvalidParam', { detail: `To_Account must hold 1 to ${MAX_STATUS_ACCOUNTS} accounts` });
    return statusesOf(ctx, userIds, detail);
  },
});

/** The status of each account asked (once each), and 70107 for those that do not exist. */
export async function statusesOf(ctx: ImContext, userIds: readonly string[], detail: boolean): Promise<StatusAnswer> {
  const ids = [...new Set(userIds)];
  const missing = new Set(await ctx.accounts.missing(ids));
  const known = ids.filter((id) => !missing.has(id));
  // Registrations are read for the users whose status or detail needs them, in one batch.
  const wanted = detail ? known : known.filter((id) => !ctx.live.isOnline(id));
  const pushOnline = pushOnlineByUser(await ctx.store.pushDevices.devicesOf(wanted), ctx.now());
  const statuses = await Promise.all(known.map((id) => statusOf(ctx, id, detail, pushOnline.get(id) ?? [])));
  return { statuses, errors: ids.filter((id) => missing.has(id)).map((userId) => ({ userId, code: catalogue.AccountNotFound.code })) };
}

/** The platforms of each user's registered devices that count as PushOnline now. */
function pushOnlineByUser(devices: readonly PushDeviceRecord[], now: number): Map<string, Platform[]> {
  const out = new Map<string, Platform[]>();
  for (const d of devices) if (isPushOnline(d, now)) out.set(d.userId, [...(out.get(d.userId) ?? []), d.platform as Platform]);
  return out;
}

async function statusOf(ctx: ImContext, userId: string, detail: boolean, pushOnline: readonly Platform[]): Promise<AccountStatus> {
  const offline = (): AccountStatus => {
    const status = pushOnline.length > 0 ? 'PushOnline' : 'Offline';
    return { userId, status, ...(detail ? { devices: pushOnline.map((platform) => ({ platform, status: 'PushOnline' as const })) } : {}) };
  };
  if (!ctx.live.isOnline(userId)) return offline();
  if (!detail) return { userId, status: 'Online' };
  const devices = await ctx.actors.inbox(userId).call({ op: 'devices' });
  // Presence may lag a last device's leave by a moment: the actor's answer wins.
  if (devices.length === 0) return offline();
  const connected = new Set(devices.map((d) => d.platform));
  const away = pushOnline.filter((p) => !connected.has(p)).map((platform) => ({ platform, status: 'PushOnline' as const }));
  return { userId, status: 'Online', devices: [...devices.map((d) => ({ platform: d.platform, status: 'Online' as const })), ...away] };
}
