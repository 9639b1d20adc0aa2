/**
 * The offline-push notification of one message for one user, provider-agnostic (issue 16 item 2),
 * and its rendering for APNs, FCM HTTP v1 and Web Push fitted to each provider's size limit.
 *
 * Tencent's `OfflinePushInfo` (spec §4.4) decides it: `PushFlag` 1 means no push; `Title` and
 * `Desc` replace the derived title (the sender's nick, or the group's name) and text (from the
 * message elements, as Tencent's default push text); `Ext` passes through untouched; `ApnsInfo`
 * and `AndroidInfo` carry the provider specifics; `ApnsInfo.BadgeMode` 1 leaves the badge alone,
 * otherwise the badge is the user's unread total. Notifications of one conversation share a thread
 * (grouped on the device) and a collapse id (a newer one replaces an older one still shown).
 */
import { createHash } from 'node:crypto';
import type { MsgElem } from '../protocol/entries.ts';
import type { OfflinePushInfo } from '../protocol/push.ts';

export type { OfflinePushInfo };

export interface PushNotification {
  readonly title: string;
  readonly body: string;
  /** APNs only (ApnsInfo.Title / SubTitle); the title above otherwise. */
  readonly apnsTitle?: string;
  readonly subtitle?: string;
  /** The app's pass-through payload, as sent. */
  readonly ext?: string;
  /** The user's unread total; absent to leave the badge as it is (BadgeMode 1). */
  readonly badge?: number;
  readonly apnsSound?: string;
  readonly androidSound?: string;
  readonly image?: string;
  readonly mutableContent: boolean;
  /** The conversation (`c2c_<peer>` / `group_<groupId>`): notifications of one are grouped. */
  readonly threadId: string;
  /** At most 64 bytes (APNs' limit): the conversation id, or its hash when longer. */
  readonly collapseId: string;
  /** Quiet hours: shown without sound or interruption (the badge and list stay right). */
  readonly silent?: boolean;
}

/** What a notification is made from. */
export interface PushSource {
  /** The conversation as the receiver sees it. */
  readonly conversationId: string;
  readonly from: string;
  /** The sender's nick as of the send, when set. */
  readonly senderNick?: string;
  /** The group's name, for a group message. */
  readonly groupName?: string;
  readonly body: readonly MsgElem[];
  readonly info?: OfflinePushInfo;
  /** The receiver's unread total, the message counted; absent for a message no conversation counts (an all-member push): the badge stays. */
  readonly unread?: number;
}

/** The notification for `s`, or undefined when the sender asked for none (PushFlag 1). */
export function notificationOf(s: PushSource): PushNotification | undefined {
  const info = s.info ?? {};
  if (info.PushFlag === 1) return undefined;
  const apns = info.ApnsInfo ?? {};
  const sender = s.senderNick || s.from;
  const derivedTitle = s.groupName !== undefined ? s.groupName : sender;
  const text = info.Desc ?? textOf(s.body);
  const body = info.Desc === undefined && s.groupName !== undefined ? `${sender}: ${text}` : text;
  return {
    title: info.Title ?? derivedTitle,
    body,
    ...(apns.Title !== undefined ? { apnsTitle: apns.Title } : {}),
    ...(apns.SubTitle !== undefined ? { subtitle: apns.SubTitle } : {}),
    ...(info.Ext !== undefined && info.Ext !== '' ? { ext: info.Ext } : {}),
    ...(apns.BadgeMode === 1 || s.unread === undefined ? {} : { badge: s.unread }),
    ...(apns.Sound ? { apnsSound: apns.Sound } : {}),
    ...(info.AndroidInfo?.Sound ? { androidSound: info.AndroidInfo.Sound } : {}),
    ...(apns.Image ? { image: apns.Image } : {}),
    mutableContent: apns.MutableContent === 1 || apns.Image !== undefined,
    threadId: s.conversationId,
    collapseId: collapseIdOf(s.conversationId),
  };
}

/** Tencent's default push text: the elements' text, with a word for each kind that has none. */
export function textOf(body: readonly MsgElem[]): string {
  return body.map(elemText).filter((t) => t !== '').join(' ');
}

const ELEM_WORDS: Readonly<Record<string, string>> = {
  TIMFaceElem: '[Face]',
  TIMImageElem: '[Image]',
  TIMSoundElem: '[Voice]',
  TIMVideoFileElem: '[Video]',
  TIMFileElem: '[File]',
  TIMLocationElem: '[Location]',
  TIMCustomElem: '[Custom Message]',
};

function elemText(e: MsgElem): string {
  const c = e.MsgContent;
  if (e.MsgType === 'TIMTextElem') return typeof c.Text === 'string' ? c.Text : '';
  // A custom element's or a location's Desc is its push text, as Tencent's.
  if ((e.MsgType === 'TIMCustomElem' || e.MsgType === 'TIMLocationElem') && typeof c.Desc === 'string' && c.Desc !== '') return c.Desc;
  return ELEM_WORDS[e.MsgType] ?? '';
}

const APNS_COLLAPSE_MAX = 64;
function collapseIdOf(conversationId: string): string {
  if (Buffer.byteLength(conversationId) <= APNS_COLLAPSE_MAX) return conversationId;
  return `h_${createHash('sha256').update(conversationId).digest('base64url').slice(0, 43)}`;
}

// ---- rendering, fitted to each provider's limit --

/** Payload limits: APNs 4096 bytes; FCM 4096 bytes of message; Web Push 3993 bytes of plaintext (one 4096-byte aes128gcm record). */
export const PAYLOAD_LIMITS = { apns: 4096, fcm: 4096, webpush: 3993 } as const;

/** The APNs payload (the JSON body of the HTTP/2 request). */
export function apnsPayload(n: PushNotification): Record<string, unknown> {
  return fitted(n, PAYLOAD_LIMITS.apns, (m) => ({
    aps: {
      alert: { title: m.apnsTitle ?? m.title, ...(m.subtitle !== undefined ? { subtitle: m.subtitle } : {}), body: m.body },
      ...(m.badge !== undefined ? { badge: m.badge } : {}),
      ...(m.silent ? { 'interruption-level': 'passive' } : { sound: m.apnsSound ?? 'default' }),
      'thread-id': m.threadId,
      ...(m.mutableContent ? { 'mutable-content': 1 } : {}),
    },
    ...(m.ext !== undefined ? { ext: m.ext } : {}),
    ...(m.image !== undefined ? { image: m.image } : {}),
  }));
}

/** The FCM HTTP v1 `message` for a registration token, with `android.ttl` when given (counted in the fit to 4,096 bytes). */
export function fcmMessage(n: PushNotification, token: string, ttlSeconds?: number): Record<string, unknown> {
  return fitted(n, PAYLOAD_LIMITS.fcm, (m) => ({
    token,
    notification: { title: m.title, body: m.body, ...(m.image !== undefined ? { image: m.image } : {}) },
    ...(m.ext !== undefined ? { data: { ext: m.ext } } : {}),
    android: {
      priority: m.silent ? 'NORMAL' : 'HIGH',
      ...(ttlSeconds !== undefined ? { ttl: `${Math.max(0, Math.floor(ttlSeconds))}s` } : {}),
      notification: {
        tag: m.collapseId,
        ...(m.androidSound !== undefined && !m.silent ? { sound: m.androidSound } : {}),
        ...(m.badge !== undefined ? { notification_count: m.badge } : {}),
      },
    },
  }));
}

/** What Parley's service worker receives (the plaintext Web Push encrypts). */
export function webPushPayload(n: PushNotification): Record<string, unknown> {
  return fitted(n, PAYLOAD_LIMITS.webpush, (m) => ({
    title: m.title,
    body: m.body,
    tag: m.threadId,
    ...(m.badge !== undefined ? { badgeCount: m.badge } : {}),
    ...(m.image !== undefined ? { image: m.image } : {}),
    ...(m.ext !== undefined ? { ext: m.ext } : {}),
    ...(m.silent ? { silent: true } : {}),
  }));
}

/**
 * `render(n)` made to fit `limit` bytes of JSON: the body is shortened first (to a character
 * boundary, with an ellipsis), then the titles. `Ext` is never cut — an app's payload cut short is
 * not its payload — so a notification whose Ext alone is too big throws PayloadTooLargeError.
 */
function fitted(n: PushNotification, limit: number, render: (m: PushNotification) => Record<string, unknown>): Record<string, unknown> {
  const size = (m: PushNotification) => Buffer.byteLength(JSON.stringify(render(m)));
  let m = n;
  for (const field of ['body', 'subtitle', 'apnsTitle', 'title'] as const) {
    const over = size(m) - limit;
    if (over <= 0) return render(m);
    const value = m[field];
    if (value === undefined) continue;
    m = { ...m, [field]: shortened(value, Math.max(0, byteLengthInJson(value) - over)) };
  }
  if (size(m) > limit) throw new PayloadTooLargeError(size(m), limit);
  return render(m);
}

/** Bytes `s` takes inside a JSON string. */
const byteLengthInJson = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;

/** The longest prefix of `s` (whole code points) that with an ellipsis takes at most `budget` bytes in JSON; '' when none does. */
function shortened(s: string, budget: number): string {
  const ELLIPSIS = '…';
  const room = budget - Buffer.byteLength(ELLIPSIS);
  if (room <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of s) {
    const b = byteLengthInJson(ch);
    if (used + b > room) break;
    out += ch;
    used += b;
  }
  return out + ELLIPSIS;
}

export class PayloadTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`the push payload takes ${size} bytes even with its text cut; the provider takes ${limit} (keep Ext smaller)`);
  }
}
