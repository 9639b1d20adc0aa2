/**
 * `GET /archive/<file>?expires=&sig=`: serves this node's finalized chat-record files to holders of
 * a signed URL. 403 for a missing, wrong or expired signature; 404 when this node has no such file
 * (never generated here, or deleted after the retention).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { parsePartFileName } from './archive-dir.ts';
import { type ArchiveUrls, archivePath } from './signed-urls.ts';

export interface ArchiveRouteDeps {
  /** The archive directory (`<dataDir>/archive`). */
  readonly dir: string;
  readonly urls: ArchiveUrls;
  readonly log: Logger;
}

export function archiveRouter(d: ArchiveRouteDeps): express.Router {
  const router = express.Router();
  const serve = async (req: Request, res: Response): Promise<void> => {
    const file = String(req.params.file);
    const check = d.urls.check(archivePath(file), req.query.expires, req.query.sig);
    if (check !== 'ok') {
      res.status(403).type('text/plain').send(check === 'expired' ? 'this download URL has expired\n' : 'invalid download URL signature\n');
      return;
    }
    const parsed = parsePartFileName(file);
    const path = join(d.dir, file);
    const size = parsed?.kind === 'json.gz' ? await stat(path).then((s) => s.size, () => undefined) : undefined;
    if (size === undefined) {
      res.status(404).type('text/plain').send('no such chat-record file on this node\n');
      return;
    }
    res.status(200).set({ 'Content-Type': 'application/gzip', 'Content-Length': String(size), 'Cache-Control': 'private, no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(path), res);
  };
  router.get('/archive/:file', (req, res) => {
    serve(req, res).catch((e: unknown) => {
      d.log.warn({ err: e, file: req.params.file }, 'serving a chat-record file failed');
      if (!res.headersSent) res.status(500).end();
      else res.destroy();
    });
  });
  return router;
}
