/** Reads one page of a stream for a client: the `StreamPage` contract of src/protocol/client-ops.ts. */
import type { MessageLog, StoredEntry } from '../../storage/store.ts';
import type { StreamPage } from '../protocol/client-ops.ts';
import type { Entry, StreamEvent } from '../protocol/entries.ts';

/** The entry of a stored row, with the row's current flags (recall updates the flags in place). */
export function entryOf(row: StoredEntry): Entry {
  const entry = JSON.parse(row.payload) as Entry;
  return 'flags' in entry && entry.flags !== row.flags ? { ...entry, flags: row.flags } : entry;
}

export function eventOf(streamId: string, row: StoredEntry): StreamEvent {
  return { stream: streamId, seq: row.seq, entry: entryOf(row) };
}

/**
 * Entries after `max(after, floor)`, at most `limit`. `floor` hides what the reader may not see
 * (a group's messages before the member joined).
 */
export async function readPage(log: MessageLog, streamId: string, after: number, limit: number, floor = 0): Promise<StreamPage> {
  const head = (await log.headSeqs([streamId])).get(streamId) ?? 0;
  const start = Math.max(after, floor);
  const rows = start >= head ? [] : await log.readEntries(streamId, start, limit);
  const last = rows.length > 0 ? rows[rows.length - 1].seq : start;
  const through = rows.length === limit ? last : Math.max(head, last);
  return { events: rows.map((r) => eventOf(streamId, r)), through, head: Math.max(head, last) };
}
