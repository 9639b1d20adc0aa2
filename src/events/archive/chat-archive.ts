/**
 * Chat-record download as one feature: the archiver (consumer of the event stream), the URL signer
 * the `open_msg_svc` REST service answers with, and the `/archive/<file>` download route, built from
 * one slice of dependencies. The route exists from the start; the archiver starts once the node
 * listens (its base URL names the port).
 */
import { join } from 'node:path';
import type express from 'express';
import type { Logger } from 'pino';
import type { ArchiveCatalog } from '../../../storage/store.ts';
import type { EventBus } from '../../im/event-bus.ts';
import { archiveRouter } from './archive-route.ts';
import { type ArchiveMetrics, Archiver } from './archiver.ts';
import { ArchiveUrls } from './signed-urls.ts';

export interface ChatArchiveDeps {
  readonly bus: EventBus;
  readonly catalog: ArchiveCatalog;
  readonly metrics: ArchiveMetrics;
  readonly now: () => number;
  readonly log: Logger;
  readonly identity: { readonly sdkAppId: number; readonly secretKey: string };
}

export interface ChatArchiveSettings {
  readonly dataDir: string;
  /** Consumer group of the archiver (`parley-archive` by default). */
  readonly group: string;
  readonly graceMs: number;
  readonly retentionMs: number;
  readonly urlTtlS: number;
}

export interface ChatArchive {
  /** Signs the download URLs `v4/open_msg_svc/get_history` hands out. */
  readonly urls: ArchiveUrls;
  /** Hours starting longer ago than this are expired, ms. */
  readonly retentionMs: number;
  /** `GET /archive/<file>` for the files this node holds. */
  readonly router: express.Router;
  /** Starts archiving; `baseUrl` is how other nodes and downloaders reach this one (`http://host:port`). */
  start(baseUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export function createChatArchive(d: ChatArchiveDeps, s: ChatArchiveSettings): ChatArchive {
  const dir = join(s.dataDir, 'archive');
  const urls = new ArchiveUrls(d.identity.secretKey, s.urlTtlS, d.now);
  let archiver: Archiver | undefined;
  return {
    urls,
    retentionMs: s.retentionMs,
    router: archiveRouter({ dir, urls, log: d.log }),
    async start(baseUrl) {
      archiver = new Archiver(
        { bus: d.bus, catalog: d.catalog, metrics: d.metrics, now: d.now, log: d.log },
        { dir, sdkAppId: d.identity.sdkAppId, baseUrl, group: s.group, graceMs: s.graceMs, retentionMs: s.retentionMs },
      );
      await archiver.start();
    },
    async stop() {
      await archiver?.stop();
    },
  };
}
