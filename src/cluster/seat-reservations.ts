/**
 * Seat reservations for a user's inbox: activates the inbox actor (wherever placement puts it) and
 * reserves a seat for one device. The UserSig travels in the auth context, so the room verifies it
 * again when the device joins. A listing left by a dead node fails the reservation; the node is
 * health-checked (dropping its listings) and the reservation retried on a fresh activation.
 */
import { createAuthContext, matchMaker } from '@colyseus/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { ColyseusActors } from './colyseus-actors.ts';
import { INBOX_ROOM, inboxRoomId } from './room-ids.ts';

const ATTEMPTS = 3;

export async function reserveInboxSeat(
  actors: ColyseusActors,
  userId: string,
  userSig: string,
  platform: string | undefined,
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
): Promise<matchMaker.ISeatReservation> {
  const roomId = inboxRoomId(userId);
  const auth = createAuthContext({ headers: headers as Record<string, string>, token: userSig, remoteAddress });
  for (let attempt = 1; ; attempt++) {
    const node = await actors.ensure(INBOX_ROOM, roomId);
    try {
      return await matchMaker.joinById(roomId, { platform }, auth);
    } catch (e) {
      if (attempt >= ATTEMPTS) throw e;
      await actors.recover(roomId, node);
    }
  }
}
