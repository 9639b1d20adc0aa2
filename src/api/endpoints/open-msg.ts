/** `v4/open_msg_svc/*`: chat-record download (spec §3.9), answered from the archive catalogue. */
import { z } from 'zod';
import { HOUR_MS, formatExpireTime, parseMsgTime } from '../../events/archive/record-format.ts';
import type { ArchiveUrls } from '../../events/archive/signed-urls.ts';
import { imError } from '../../protocol/errors.ts';
import { type Service, endpoint } from '../endpoint.ts';

export interface OpenMsgSettings {
  /** Signs the download URLs handed out. */
  readonly urls: ArchiveUrls;
  /** Hours starting longer ago than this are expired (1005), ms. */
  readonly retentionMs: number;
}

const DAY_MS = 86_400_000;

/**
 * `get_history`: the files of one chat type and hour, from every node that archived part of it.
 * 1004 while the hour is not over, or before its files are finalized (end of hour + grace period),
 * and for an hour without messages; 1005 for an hour beyond the retention.
 */
export function openMsgService(s: OpenMsgSettings): Service {
  return {
    name: 'open_msg_svc',
    bodyJson: 'HistoryBodyJson',
    invalid: 'HistoryInvalidParam',
    adminRequired: 'HistoryAdminRequired',
    internal: 'HistoryInternal',
    endpoints: [
      endpoint({
        command: 'get_history',
        request: z.object({
          ChatType: z.enum(['C2C', 'Group'], { error: 'HistoryInvalidParam' }),
          MsgTime: z.string({ error: 'HistoryInvalidParam' }),
        }),
        handle: async (ctx, _caller, r) => {
          const hour = parseMsgTime(r.MsgTime);
          if (hour === undefined) throw imError('HistoryInvalidParam', { detail: `MsgTime ${JSON.stringify(r.MsgTime)} is not an hour in the form YYYYMMDDHH (UTC)` });
          const now = ctx.now();
          const params = { chatType: r.ChatType, msgTime: r.MsgTime };
          if (hour + HOUR_MS > now) throw imError('HistoryNotReady', params);
          if (hour < now - s.retentionMs) throw imError('HistoryExpired', { ...params, days: Math.round((s.retentionMs / DAY_MS) * 100) / 100 });
          const files = await ctx.store.archive.listFiles(r.ChatType, hour);
          if (files.length === 0) throw imError('HistoryNotReady', params);
          return {
            File: files.map((f) => {
              const signed = s.urls.sign(f.baseUrl, f.file);
              return { URL: signed.url, ExpireTime: formatExpireTime(signed.expiresAt), FileSize: f.fileSize, FileMD5: f.fileMd5, GzipSize: f.gzipSize, GzipMD5: f.gzipMd5 };
            }),
          };
        },
      }),
    ],
  };
}
