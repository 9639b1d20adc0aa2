/** How an im_push task's jobs record where they stand: the progress row, and a `broadcast.task` event per state. */
import type { EventOutbox } from '../../im/event-bus.ts';
import type { BroadcastMessage } from '../../protocol/entries.ts';
import { makeEvent } from '../../protocol/events.ts';
import { BROADCAST_STREAM } from '../../protocol/streams.ts';
import type { PushTargetStore, PushTaskProgress } from '../../../storage/store.ts';

/** Records the task's progress, then tells the app server (a `broadcast.task` event, one stable id per state). */
export async function recordTask(targets: PushTargetStore, outbox: EventOutbox, m: BroadcastMessage, seq: number, p: PushTaskProgress, now: number): Promise<void> {
  await targets.putTaskProgress(m.taskId, p, now);
  await outbox.emit(BROADCAST_STREAM, [makeEvent('broadcast.task', `${m.taskId}#${p.state}`, BROADCAST_STREAM, now, { taskId: m.taskId, seq, state: p.state, online: p.online, pushed: p.pushed ?? 0 })]);
}

/** Kept for offline devices (MsgLifeTime > 0) and not PushFlag 1, and still within its lifetime. */
export const wantsOfflinePush = (m: BroadcastMessage, now: number): boolean => m.offlineUntil > m.time && m.offlineUntil > now && m.offlinePush?.PushFlag !== 1;
