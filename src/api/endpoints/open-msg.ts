/** `v4/open_msg_svc/*`: chat-record download (spec §3.9), answered from the archive catalogue. */
import { z } from 'zod';
import { type ArchiveAccess, historyFilesCommand } from '../../events/archive/history-files.ts';
import { formatExpireTime } from '../../events/archive/record-format.ts';
import { type Service, endpoint } from '../endpoint.ts';

export function openMsgService(access: ArchiveAccess): Service {
  return {
    name: 'open_msg_svc',
    bodyJson: 'HistoryBodyJson',
    invalid: 'HistoryInvalidParam',
    adminRequired: 'HistoryAdminRequired',
    internal: 'HistoryInternal',
    endpoints: [
      endpoint({
        command: 'get_history',
        runs: historyFilesCommand(access),
        request: z.object({
          ChatType: z.enum(['C2C', 'Group'], { error: 'HistoryInvalidParam' }),
          MsgTime: z.string({ error: 'HistoryInvalidParam' }),
        }),
        input: (r) => ({ chatType: r.ChatType, msgTime: r.MsgTime }),
        reply: (files) => ({
          File: files.map((f) => ({ URL: f.url, ExpireTime: formatExpireTime(f.expiresAt), FileSize: f.fileSize, FileMD5: f.fileMd5, GzipSize: f.gzipSize, GzipMD5: f.gzipMd5 })),
        }),
      }),
    ],
  };
}
