/**
 * Seat reservations for a user's inbox: activates the inbox actor (wherever it is placed) and
 * reserves a seat for one device. The UserSig travels in the auth context, so the room verifies it
 * again when the device joins.
 */
import { createAuthContext, matchMaker } from '@colyseus/core';
import type { IncomingHttpHeaders } from 'node:http';
import { INBOX_ROOM, inboxRoomId } from './room-ids.ts';

export async function reserveInboxSeat(
  userId: string,
  userSig: string,
  platform: string | undefined,
  headers: IncomingHttpHeaders,
): Promise<matchMaker.ISeatReservation> {
  const roomId = inboxRoomId(userId);
  if (!matchMaker.getLocalRoomById(roomId) && !(await matchMaker.getRoomById(roomId))) {
    await matchMaker.createRoom(INBOX_ROOM, { id: roomId });
  }
  const auth = createAuthContext({ headers: headers as Record<string, string>, token: userSig });
  return matchMaker.joinById(roomId, { platform }, auth);
}
