/**
 * `history.files` (REST open_msg_svc/get_history): the chat-record files of one chat type and hour,
 * from every node that archived part of it, with signed download URLs. 1004 while the hour is not
 * over, before its files are finalized (end of hour + grace period), and for an hour without
 * messages; 1005 for an hour beyond the retention.
 */
import { z } from 'zod';
import { defineCommand } from '../../im/command.ts';
import { imError } from '../../protocol/errors.ts';
import { HOUR_MS, parseMsgTime } from './record-format.ts';
import type { ArchiveUrls } from './signed-urls.ts';

export interface ArchiveAccess {
  /** Signs the download URLs handed out. */
  readonly urls: ArchiveUrls;
  /** Hours starting longer ago than this are expired (1005), ms. */
  readonly retentionMs: number;
}

export interface HistoryFile {
  readonly url: string;
  readonly expiresAt: number;
  readonly fileSize: number;
  readonly fileMd5: string;
  readonly gzipSize: number;
  readonly gzipMd5: string;
}

const DAY_MS = 86_400_000;

export function historyFilesCommand(access: ArchiveAccess) {
  return defineCommand({
    name: 'history.files',
    callers: ['admin'],
    owner: 'store',
    input: z.object({ chatType: z.enum(['C2C', 'Group']), msgTime: z.string() }),
    run: async (ctx, _caller, { chatType, msgTime }): Promise<HistoryFile[]> => {
      const hour = parseMsgTime(msgTime);
      if (hour === undefined) throw imError('HistoryInvalidParam', { detail: `MsgTime ${JSON.stringify(msgTime)} is not an hour in the form YYYYMMDDHH (UTC)` });
      const now = ctx.now();
      const params = { chatType, msgTime };
      if (hour + HOUR_MS > now) throw imError('HistoryNotReady', params);
      if (hour < now - access.retentionMs) throw imError('HistoryExpired', { ...params, days: Math.round((access.retentionMs / DAY_MS) * 100) / 100 });
      const files = await ctx.store.archive.listFiles(chatType, hour);
      if (files.length === 0) throw imError('HistoryNotReady', params);
      return files.map((f) => {
        const signed = access.urls.sign(f.baseUrl, f.file);
        return { url: signed.url, expiresAt: signed.expiresAt, fileSize: f.fileSize, fileMd5: f.fileMd5, gzipSize: f.gzipSize, gzipMd5: f.gzipMd5 };
      });
    },
  });
}
