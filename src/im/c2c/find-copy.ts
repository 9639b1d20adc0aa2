/**
 * Finding one inbox's stored copy of a C2C message without a MsgKey index: the roaming index names
 * the conversation (the other side) and the time, and a MsgKey carries the second it was made in,
 * so the copy is among that second's entries of the conversation.
 */
import type { MessageLog, StoredEntry } from '../../../storage/store.ts';
import type { C2CMessage } from '../../protocol/entries.ts';

/** Entries one second of one conversation can hold that a lookup reads. */
const SECOND_LIMIT = 1000;

/** The entry of `streamId`'s conversation with `peer`, made in Unix second `second`, whose message `match`es. */
export async function findC2CCopy(log: MessageLog, streamId: string, peer: string, second: number, match: (m: C2CMessage) => boolean): Promise<StoredEntry | undefined> {
  const rows = await log.readConversation({ streamId, peer, minTime: second * 1000, maxTime: second * 1000 + 999, limit: SECOND_LIMIT });
  return rows.find((r) => {
    const m = JSON.parse(r.payload) as C2CMessage;
    return m.kind === 'c2c' && match(m);
  });
}
