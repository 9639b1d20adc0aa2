/**
 * Tencent's chat-record file format (spec §3.9) and its time formats: which events are chat records,
 * the line each becomes, the header and trailer around them, and the UTC hour keys (`YYYYMMDDHH`).
 */
import type { MsgElem } from '../../protocol/entries.ts';
import type { ArchiveChatType } from '../../../storage/store.ts';
import type { ParleyEvent } from '../../protocol/events.ts';

export const HOUR_MS = 3_600_000;

/** One message line of a C2C file; keys in Tencent's order. */
export interface C2CRecordLine {
  readonly From_Account: string;
  readonly To_Account: string;
  /** Unix seconds. */
  readonly MsgTimestamp: number;
  /** The sender's MsgSeq (Tencent's C2C MsgSeq, not unique). */
  readonly MsgSeq: number;
  readonly MsgRandom: number;
  readonly MsgBody: readonly MsgElem[];
  readonly CloudCustomData: string;
}

/** One message line of a Group file; keys in Tencent's order. */
export interface GroupRecordLine {
  readonly From_Account: string;
  readonly GroupId: string;
  readonly MsgTimestamp: number;
  /** The group SEQ of the message. */
  readonly MsgSeq: number;
  readonly MsgRandom: number;
  readonly MsgBody: readonly MsgElem[];
  readonly CloudCustomData: string;
}

/** A message to archive: its event id (for dedupe), time in Unix ms (for the hour) and its line. */
export interface ChatRecord {
  readonly id: string;
  readonly chatType: ArchiveChatType;
  readonly time: number;
  readonly line: C2CRecordLine | GroupRecordLine;
}

/** The chat record an event stands for; undefined for events that are not stored messages. */
export function chatRecordOf(e: ParleyEvent): ChatRecord | undefined {
  switch (e.type) {
    case 'c2c.message': {
      const m = e.data.message;
      // Imported history (importmsg) likewise keeps its original time and was not sent through Parley.
      if (m.imported) return undefined;
      const line: C2CRecordLine = {
        From_Account: m.from,
        To_Account: m.to,
        MsgTimestamp: Math.floor(m.time / 1000),
        MsgSeq: m.msgSeq,
        MsgRandom: m.random,
        MsgBody: m.body,
        CloudCustomData: m.cloudCustomData ?? '',
      };
      return { id: e.id, chatType: 'C2C', time: m.time, line };
    }
    case 'group.message': {
      const m = e.data.message;
      // Imported history (import_group_msg) keeps its original time: filing it would reopen long-finalized hours,
      // and chat-record files hold what was sent through Parley.
      if (m.imported) return undefined;
      const line: GroupRecordLine = {
        From_Account: m.from,
        GroupId: m.groupId,
        MsgTimestamp: Math.floor(m.time / 1000),
        MsgSeq: e.data.seq,
        MsgRandom: m.random,
        MsgBody: m.body,
        CloudCustomData: m.cloudCustomData ?? '',
      };
      return { id: e.id, chatType: 'Group', time: m.time, line };
    }
    default:
      return undefined;
  }
}

/** The start of the UTC hour holding `time` (Unix ms). */
export const hourOf = (time: number): number => Math.floor(time / HOUR_MS) * HOUR_MS;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Tencent's MsgTime of an hour: `YYYYMMDDHH` (UTC). */
export function formatMsgTime(hour: number): string {
  const d = new Date(hour);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`;
}

/** The hour start (Unix ms) of a `YYYYMMDDHH` MsgTime; undefined unless it names a real UTC hour. */
export function parseMsgTime(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const hour = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  // Date.UTC rolls over (month 13, 30 February, hour 24): a real hour formats back to the same text.
  return formatMsgTime(hour) === s ? hour : undefined;
}

/** Tencent's ExpireTime format: `YYYY-MM-DD HH:MM:SS` (UTC). */
export function formatExpireTime(time: number): string {
  const d = new Date(time);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The first line of a file, without its line break: `{"SdkAppId":…,"ChatType":"C2C","MsgTime":"2015120121","MsgList":[`. */
export function headerLine(sdkAppId: number, chatType: ArchiveChatType, hour: number): string {
  return `{"SdkAppId":${sdkAppId},"ChatType":${JSON.stringify(chatType)},"MsgTime":"${formatMsgTime(hour)}","MsgList":[`;
}

/** What follows the last message line. */
export const TRAILER = '\n]}';

/**
 * The text before message line `index` (0-based): the line break after the header, or the comma
 * and line break after the previous message. The whole file is valid JSON.
 */
export const lineSeparator = (index: number): string => (index === 0 ? '\n' : ',\n');

/** A whole file as text; the finalizer streams the same layout without holding it in memory. */
export function chatRecordFileText(sdkAppId: number, chatType: ArchiveChatType, hour: number, lines: readonly (C2CRecordLine | GroupRecordLine)[]): string {
  return headerLine(sdkAppId, chatType, hour) + lines.map((l, i) => lineSeparator(i) + JSON.stringify(l)).join('') + TRAILER;
}
