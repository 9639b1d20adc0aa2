/**
 * Actor references over Colyseus rooms: ensure-then-call. A call finds the room by id (activating
 * it if needed — the driver's atomic insert keeps it to one instance), then calls the method on
 * the local instance directly or on a remote one through the presence bus. A room that is
 * passivating refuses calls with ActorGoneError and the call is retried on a fresh activation.
 */
import { type Room, matchMaker } from '@colyseus/core';
import { ImError, imError } from '../protocol/errors.ts';
import type { ActorRef, Actors, GroupActor, InboxActor } from '../im/actor-api.ts';
import { GROUP_ROOM, INBOX_ROOM, groupRoomId, inboxRoomId } from './room-ids.ts';

/** Thrown by an actor that is passivating or failed to activate; the caller retries on a new activation. */
export class ActorGoneError extends Error {
  constructor(roomId: string) {
    super(`actor ${roomId} is gone`);
    this.name = 'ActorGoneError';
  }
}

export interface ColyseusActorsOptions {
  /** Timeout of a call to a room on another process, ms. */
  readonly remoteCallTimeoutMs: number;
  /** Attempts before a call gives up on an actor that keeps passivating. */
  readonly maxAttempts: number;
}

type Method = (...args: unknown[]) => Promise<unknown>;

export class ColyseusActors implements Actors {
  readonly #opts: ColyseusActorsOptions;
  /** Ensures in flight per room id, so concurrent first calls in this process create the room once. */
  readonly #ensuring = new Map<string, Promise<unknown>>();

  constructor(opts: ColyseusActorsOptions) {
    this.#opts = opts;
  }

  inbox(userId: string): ActorRef<InboxActor> {
    return this.#ref(INBOX_ROOM, inboxRoomId(userId));
  }

  group(groupId: string): ActorRef<GroupActor> {
    return this.#ref(GROUP_ROOM, groupRoomId(groupId));
  }

  #ref<T>(roomName: string, roomId: string): ActorRef<T> {
    return { call: (method, ...args) => this.#call(roomName, roomId, method, args) as never };
  }

  async #call(roomName: string, roomId: string, method: string, args: unknown[]): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#ensure(roomName, roomId);
        const local = matchMaker.getLocalRoomById(roomId) as (Room & Record<string, Method>) | undefined;
        if (local) return await local[method](...args);
        return await matchMaker.remoteRoomCall(roomId, method as never, args, this.#opts.remoteCallTimeoutMs);
      } catch (e) {
        if (!(e instanceof ActorGoneError) || attempt >= this.#opts.maxAttempts) throw asCallError(e, roomId);
        await new Promise((r) => setTimeout(r, Math.min(5 * attempt, 50)));
      }
    }
  }

  async #ensure(roomName: string, roomId: string): Promise<void> {
    if (matchMaker.getLocalRoomById(roomId)) return;
    let pending = this.#ensuring.get(roomId);
    if (!pending) {
      pending = (async () => (await matchMaker.getRoomById(roomId)) ?? (await matchMaker.createRoom(roomName, { id: roomId })))();
      this.#ensuring.set(roomId, pending);
      void pending.finally(() => this.#ensuring.delete(roomId)).catch(() => undefined);
    }
    await pending;
  }
}

function asCallError(e: unknown, roomId: string): unknown {
  if (e instanceof ImError) return e;
  if (e instanceof ActorGoneError) return imError('StreamUnavailable', { streamId: roomId });
  return e;
}
