/**
 * Which of a user's registered devices get a message's offline push, and how (issue 16 item 2): a
 * user with a device connected gets none (they have it live, as Tencent pushes only to users who
 * are not online); otherwise every registered device whose pushes are on and not in do-not-disturb,
 * silently during the device's quiet hours. The device's own sound applies where the message names
 * none. Pure: the dispatcher reads the registrations and presence and hands them in.
 */
import type { C2CMessage, GroupMessage } from '../protocol/entries.ts';
import type { PushSettings, PushTarget } from '../protocol/push.ts';
import type { PushDeviceRecord } from '../../storage/store.ts';
import { type PushNotification, type PushSource, notificationOf } from './notification.ts';

/** One push to send: to this device, this notification. */
export interface PushDelivery {
  readonly userId: string;
  readonly deviceId: string;
  readonly target: PushTarget;
  readonly notification: PushNotification;
}

export interface PushPlanInput {
  readonly notification: PushNotification;
  readonly userId: string;
  /** Whether any device of the user is connected now. */
  readonly online: boolean;
  readonly devices: readonly PushDeviceRecord[];
  readonly now: number;
}

export function planPush(i: PushPlanInput): PushDelivery[] {
  if (i.online) return [];
  const out: PushDelivery[] = [];
  for (const d of i.devices) {
    if (d.userId !== i.userId) continue;
    const settings = JSON.parse(d.settings) as PushSettings;
    if (!settings.enabled || settings.doNotDisturb) continue;
    const silent = inQuietHours(settings, i.now);
    const sound = settings.sound;
    const n = i.notification;
    const notification: PushNotification = {
      ...n,
      ...(silent ? { silent: true } : {}),
      ...(sound !== undefined && n.apnsSound === undefined ? { apnsSound: sound } : {}),
      ...(sound !== undefined && n.androidSound === undefined ? { androidSound: sound } : {}),
    };
    out.push({ userId: d.userId, deviceId: d.deviceId, target: JSON.parse(d.target) as PushTarget, notification });
  }
  return out;
}

const DAY_MINUTES = 1440;

/** Whether `now` falls in the device's quiet hours, read in its UTC offset; a window may wrap past midnight (22:00–07:00). */
export function inQuietHours(settings: PushSettings, now: number): boolean {
  const q = settings.quietHours;
  if (!q || q.from === q.to) return false;
  const minute = (((Math.floor(now / 60_000) + q.utcOffsetMinutes) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return q.from < q.to ? minute >= q.from && minute < q.to : minute >= q.from || minute < q.to;
}

/** The nick tag a sender's profile carries in messages (PARLEY_MESSAGE_PROFILE_TAGS). */
const NICK = 'Tag_Profile_IM_Nick';

/**
 * The push source of a C2C message as its receiver got it, or undefined when it is never pushed:
 * imported history (SyncFromOldSystem 2), or a message to oneself.
 */
export function c2cPushSource(m: C2CMessage, unread: number): PushSource | undefined {
  if (m.imported === 'history' || m.from === m.to) return undefined;
  const nick = m.senderProfile?.[NICK];
  return {
    conversationId: `c2c_${m.from}`,
    from: m.from,
    ...(typeof nick === 'string' && nick !== '' ? { senderNick: nick } : {}),
    body: m.body,
    ...(m.offlinePush ? { info: m.offlinePush } : {}),
    unread,
  };
}

/** The deliveries of a C2C message to its receiver. */
export function planC2CPush(m: C2CMessage, unread: number, state: Omit<PushPlanInput, 'notification' | 'userId'>): PushDelivery[] {
  const source = c2cPushSource(m, unread);
  const notification = source && notificationOf(source);
  return notification ? planPush({ ...state, notification, userId: m.to }) : [];
}

/**
 * The push source of a group message for one member, or undefined when it is never pushed:
 * imported history, or the member's own message.
 */
export function groupPushSource(m: GroupMessage, groupName: string, member: string, unread: number): PushSource | undefined {
  if (m.imported || m.from === member) return undefined;
  const nick = m.senderNameCard || m.senderProfile?.[NICK];
  return {
    conversationId: `group_${m.groupId}`,
    from: m.from,
    ...(typeof nick === 'string' && nick !== '' ? { senderNick: nick } : {}),
    groupName,
    body: m.body,
    ...(m.offlinePush ? { info: m.offlinePush } : {}),
    unread,
  };
}
