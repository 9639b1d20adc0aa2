/** Reads one page of a stream for a client: the `StreamPage` contract of src/protocol/client-ops.ts. */
import type { MessageLog, StoredEntry } from '../../storage/store.ts';
import type { StreamPage } from '../protocol/client-ops.ts';
import { type Entry, FLAG_DELETED, type StreamEvent } from '../protocol/entries.ts';

/** The entry of a stored row, with the row's current flags (recall updates the flags in place). */
export function entryOf(row: StoredEntry): Entry {
  const entry = JSON.parse(row.payload) as Entry;
  return 'flags' in entry && entry.flags !== row.flags ? { ...entry, flags: row.flags } : entry;
}

/**
 * An entry as clients may see it: without its origin (the sender's address is for the app server
 * only), its audience (a broadcast's condition) or storage bookkeeping.
 */
export function forClients(entry: Entry): Entry {
  if (!('origin' in entry) && !('offlineUntil' in entry) && !('condition' in entry)) return entry;
  const { origin: _origin, offlineUntil: _until, condition: _condition, ...rest } = entry as Entry & { origin?: unknown; offlineUntil?: unknown; condition?: unknown };
  return rest as Entry;
}

/** Whether a syncing device still receives the entry at `now` (a short MsgLifeTime ends offline delivery before roaming). */
const deliverableOffline = (entry: Entry, now: number): boolean => !('offlineUntil' in entry) || entry.offlineUntil === undefined || entry.offlineUntil > now;

/** Whether `reader` may see the entry: a targeted group message only its sender and receivers. */
const visibleTo = (entry: Entry, reader: string | undefined): boolean =>
  reader === undefined || entry.kind !== 'group' || entry.to === undefined || entry.from === reader || entry.to.includes(reader);

/**
 * Entries after `max(after, floor)`, at most `limit`. `floor` hides what the reader may not see
 * (a group's messages before the member joined); `reader`, when given, hides messages targeted at
 * others, and `keep`, when given, whatever it refuses (their SEQs are simply missing from the page).
 */
export async function readPage(
  log: MessageLog,
  streamId: string,
  after: number,
  limit: number,
  now: number,
  floor = 0,
  reader?: string,
  keep?: (entry: Entry) => boolean,
): Promise<StreamPage> {
  const head = (await log.headSeqs([streamId])).get(streamId) ?? 0;
  const start = Math.max(after, floor);
  const rows = start >= head ? [] : await log.readEntries(streamId, start, limit);
  const last = rows.length > 0 ? rows[rows.length - 1].seq : start;
  const through = rows.length === limit ? last : Math.max(head, last);
  const events: StreamEvent[] = [];
  for (const r of rows) {
    // A copy its user deleted is a hole in their inbox.
    if ((r.flags & FLAG_DELETED) !== 0) continue;
    const entry = entryOf(r);
    if (deliverableOffline(entry, now) && visibleTo(entry, reader) && (keep === undefined || keep(entry))) events.push({ stream: streamId, seq: r.seq, entry: forClients(entry) });
  }
  return { events, through, head: Math.max(head, last) };
}
