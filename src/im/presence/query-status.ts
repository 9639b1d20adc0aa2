/**
 * `state.query` (REST query_online_status, querystate; client `user.status`): each account's status — `Online` when any
 * device is connected, else `Offline` — from the node's view of the cluster's presence, so a user
 * offline costs no actor call; with `detail`, the inbox actor of each online user lists its devices.
 * Unknown accounts are answered with 70107 in `errors`. (`PushOnline`, a mobile device reachable by
 * offline push after its connection dropped, needs push registrations, which Parley has not yet.)
 */
import { z } from 'zod';
import type { Platform } from '../../protocol/client-ops.ts';
import { errors as catalogue, imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';

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
    const ids = [...new Set(userIds)];
    const missing = new Set(await ctx.accounts.missing(ids));
    const known = ids.filter((id) => !missing.has(id));
    const statuses = await Promise.all(known.map((id) => statusOf(ctx, id, detail)));
    return { statuses, errors: ids.filter((id) => missing.has(id)).map((userId) => ({ userId, code: catalogue.AccountNotFound.code })) };
  },
});

async function statusOf(ctx: ImContext, userId: string, detail: boolean): Promise<AccountStatus> {
  if (!ctx.live.isOnline(userId)) return { userId, status: 'Offline', ...(detail ? { devices: [] } : {}) };
  if (!detail) return { userId, status: 'Online' };
  const devices = await ctx.actors.inbox(userId).call({ op: 'devices' });
  // Presence may lag a last device's leave by a moment: the actor's answer wins.
  return { userId, status: devices.length > 0 ? 'Online' : 'Offline', devices: devices.map((d) => ({ platform: d.platform, status: 'Online' as const })) };
}
