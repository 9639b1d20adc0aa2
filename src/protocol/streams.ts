/**
 * Stream ids: every append-only stream a client syncs has an id of the form `<kind>:<owner>`.
 * - `u:<userId>` — a user's inbox (C2C received and sent, notices);
 * - `g:<groupId>` — a group's messages;
 * - `b:all` — the broadcast stream.
 */
export type StreamId = `u:${string}` | `g:${string}` | 'b:all';

export const inboxStream = (userId: string): StreamId => `u:${userId}`;
export const groupStream = (groupId: string): StreamId => `g:${groupId}`;
export const BROADCAST_STREAM: StreamId = 'b:all';

export function parseStream(streamId: string): { kind: 'u' | 'g' | 'b'; owner: string } {
  const kind = streamId.slice(0, 1);
  if (streamId.charAt(1) !== ':' || (kind !== 'u' && kind !== 'g' && kind !== 'b')) {
    throw new Error(`not a stream id: ${streamId}`);
  }
  return { kind, owner: streamId.slice(2) };
}
