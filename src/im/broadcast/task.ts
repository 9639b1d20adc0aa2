/**
 * `broadcast.task` (REST all_member_push im_get_push_task, Parley's own: Tencent documents no task
 * query): where an im_push task stands — `Queued` until its delivery job starts, `Running`, `Done` —
 * with the online users checked and reached, and for a running one an estimate of its end.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import type { BroadcastMessage } from '../../protocol/entries.ts';
import { BROADCAST_STREAM } from '../../protocol/streams.ts';
import { defineCommand } from '../command.ts';
import { entryOf } from '../stream-page.ts';
import { seqOfTaskId } from './task-id.ts';
import { shardKey } from './shards.ts';
import type { PushTargetStore } from '../../../storage/store.ts';

export interface PushTaskView {
  readonly taskId: string;
  readonly state: 'Queued' | 'Running' | 'Done';
  /** Unix ms. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Until when devices that sync still receive it, Unix ms (its time for an online-only push). */
  readonly offlineUntil: number;
  /** Online users the job checks, checked so far, and the targeted ones among them it reached. */
  readonly candidates: number;
  readonly checked: number;
  readonly online: number;
  /** Offline-push notifications queued (one per device of a targeted user who was offline). */
  readonly pushed: number;
  /** A running job's estimated end, Unix ms, from its pace so far. */
  readonly etaAt?: number;
}

export const pushTaskCommand = defineCommand({
  name: 'broadcast.task',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ taskId: z.string() }),
  run: async (ctx, _caller, { taskId }): Promise<PushTaskView> => {
    const seq = seqOfTaskId(ctx.identity.sdkAppId, taskId);
    const row = seq === undefined ? undefined : (await ctx.store.messages.readEntries(BROADCAST_STREAM, seq - 1, 1))[0];
    const m = row?.seq === seq && row ? (entryOf(row) as BroadcastMessage) : undefined;
    if (!m || m.kind !== 'broadcast' || m.taskId !== taskId) throw imError('PushTaskNotFound', { taskId: JSON.stringify(taskId) });
    const p = await ctx.store.pushTargets.taskProgress(taskId);
    const pushed = p?.shards ? await shardsPushed(ctx.store.pushTargets, taskId, p.shards) : (p?.pushed ?? 0);
    const base = { taskId, createdAt: m.time, offlineUntil: m.offlineUntil };
    if (!p) return { ...base, state: 'Queued', candidates: 0, checked: 0, online: 0, pushed: 0 };
    const view = { ...base, startedAt: p.startedAt, candidates: p.candidates, checked: p.checked, online: p.online, pushed };
    if (p.state === 'done') return { ...view, state: 'Done', finishedAt: p.finishedAt };
    const now = ctx.now();
    const etaAt = p.checked > 0 ? now + Math.round(((now - p.startedAt) / p.checked) * (p.candidates - p.checked)) : undefined;
    return { ...view, state: 'Running', ...(etaAt !== undefined ? { etaAt } : {}) };
  },
});

/** Notifications the shards of a task's offline walk have queued so far. */
async function shardsPushed(store: PushTargetStore, taskId: string, shards: number): Promise<number> {
  const rows = await Promise.all(Array.from({ length: shards }, (_, k) => store.taskProgress(shardKey(taskId, k))));
  return rows.reduce((n, r) => n + (r?.pushed ?? 0), 0);
}
