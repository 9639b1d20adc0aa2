/**
 * Actor references over Colyseus rooms: ensure-then-call. A call finds the room by id — activating
 * it if needed, placed by the process-selection hook; the driver's atomic insert keeps it to one
 * instance — then calls the method on the local instance directly, or on the hosting node over the
 * node bus. A room that passivated or moved answers "gone" and is located again; a node that does
 * not answer in time is health-checked (a dead one loses its listings) and the call is retried, so
 * the actor re-activates elsewhere.
 */
import { type IRoomCache, type Room, matchMaker } from '@colyseus/core';
import type { Logger } from 'pino';
import type { ActorCommand, ActorRef, Actors, BroadcastProtocol, GroupProtocol, InboxProtocol, Protocol } from '../im/actor-api.ts';
import { ImError, imError } from '../protocol/errors.ts';
import { CallTimeoutError, type CallOutcome, type NodeBus, RoomGoneError } from './node-bus.ts';
import { BROADCAST_ROOM, GROUP_ROOM, INBOX_ROOM, broadcastRoomId, groupRoomId, inboxRoomId } from './room-ids.ts';

/** Thrown by an actor that is passivating or failed to activate; the caller retries on a new activation. */
export class ActorGoneError extends Error {
  constructor(roomId: string) {
    super(`actor ${roomId} is gone`);
    this.name = 'ActorGoneError';
  }
}

/** What a room must offer to be called through a reference: its protocol's handler table, behind one entry. */
export interface CommandHost {
  /** Runs a command of the actor's protocol; refuses one of another protocol. */
  handle(command: ActorCommand): Promise<unknown>;
}

const isCommandHost = (room: Room | undefined): room is Room & CommandHost => typeof (room as Partial<CommandHost> | undefined)?.handle === 'function';

export interface ColyseusActorsOptions {
  readonly bus: NodeBus;
  /** Attempts before a call gives up on an actor that keeps moving. */
  readonly maxAttempts: number;
  /** Whether the cluster knows `node` is dead (its listings can be dropped without a health check); a node that came back is not. */
  readonly isDead?: (node: string) => Promise<boolean>;
  /** Unix ms (Parley's clock). */
  readonly now: () => number;
  readonly log: Logger;
}

/** How long a node that failed a health check is kept out of placement, ms. */
const SUSPECT_MS = 15_000;

/** Remembered room locations; beyond it the oldest are forgotten (and looked up again when needed). */
const MAX_LOCATIONS = 50_000;

type Located = { readonly local: Room & CommandHost } | { readonly node: string };

export class ColyseusActors implements Actors {
  readonly #o: ColyseusActorsOptions;
  /** Ensures in flight per room id, so concurrent first calls in this process create the room once. */
  readonly #ensuring = new Map<string, Promise<string>>();
  /** roomId → processId of the node hosting it. */
  readonly #where = new Map<string, string>();
  /** Nodes that failed a health check, and when: kept out of placement for a while. Bounded by the cluster's size. */
  readonly #suspects = new Map<string, number>();
  /** Remote calls made, for their callIds. */
  #calls = 0;

  constructor(o: ColyseusActorsOptions) {
    this.#o = o;
  }

  inbox(userId: string): ActorRef<InboxProtocol> {
    return this.#ref(INBOX_ROOM, inboxRoomId(userId));
  }

  group(groupId: string): ActorRef<GroupProtocol> {
    return this.#ref(GROUP_ROOM, groupRoomId(groupId));
  }

  broadcast(): ActorRef<BroadcastProtocol> {
    return this.#ref(BROADCAST_ROOM, broadcastRoomId());
  }

  /** Makes sure the room exists somewhere; returns the processId hosting it. */
  async ensure(roomName: string, roomId: string): Promise<string> {
    if (matchMaker.getLocalRoomById(roomId)) return matchMaker.processId;
    const known = this.#where.get(roomId);
    if (known) return known;
    let pending = this.#ensuring.get(roomId);
    if (!pending) {
      pending = (async () => {
        let listing = await matchMaker.getRoomById(roomId);
        if (listing && (await this.#o.isDead?.(listing.processId))) {
          await this.recover(roomId, listing.processId);
          listing = await matchMaker.getRoomById(roomId);
        }
        listing ??= await this.#create(roomName, roomId);
        this.#remember(roomId, listing.processId);
        return listing.processId;
      })();
      this.#ensuring.set(roomId, pending);
      void pending.finally(() => this.#ensuring.delete(roomId)).catch(() => undefined);
    }
    return pending;
  }

  /**
   * Creates the room on the node placement picks. Concurrent first calls from several nodes all ask
   * that node; one that arrives after the room is up there is refused (a second local instance would
   * disturb the live one), so a failed create whose room now exists simply lost the race: use it.
   * Any other failure (the node is unreachable, or still disposing an instance it retired) is
   * transient: the call locates the room again after a pause.
   */
  async #create(roomName: string, roomId: string): Promise<IRoomCache> {
    try {
      return await matchMaker.createRoom(roomName, { id: roomId });
    } catch (e) {
      const winner = await matchMaker.getRoomById(roomId);
      if (winner) return winner;
      this.#o.log.debug({ err: e, roomId }, 'actor activation failed; retrying');
      throw new RoomGoneError(roomId);
    }
  }

  /** Forgets where a room is and checks its node: a dead node's listings are removed. */
  async recover(roomId: string, node: string | undefined): Promise<void> {
    this.#where.delete(roomId);
    if (!node || node === matchMaker.processId) return;
    if (await this.#o.isDead?.(node)) {
      await matchMaker.driver.cleanup?.(node).catch(() => undefined);
      return;
    }
    const alive = await matchMaker.healthCheckProcessId(node).catch(() => false);
    if (!alive) this.#suspects.set(node, this.#o.now());
  }

  /** A node died: calls must not go there from a remembered location (they would wait out the call timeout). */
  forgetNode(node: string): void {
    for (const [roomId, at] of this.#where) if (at === node) this.#where.delete(roomId);
  }

  /** Whether `node` failed a health check in the last SUSPECT_MS (so nothing new should be placed there). */
  isSuspect(node: string): boolean {
    const at = this.#suspects.get(node);
    if (at === undefined) return false;
    if (this.#o.now() - at < SUSPECT_MS) return true;
    this.#suspects.delete(node);
    return false;
  }

  #remember(roomId: string, node: string): void {
    if (this.#where.size >= MAX_LOCATIONS) this.#where.delete(this.#where.keys().next().value as string);
    this.#where.set(roomId, node);
  }

  #ref<P extends Protocol>(roomName: string, roomId: string): ActorRef<P> {
    return { call: (command) => this.#call(roomName, roomId, command as unknown as ActorCommand) as never };
  }

  async #locate(roomName: string, roomId: string): Promise<Located> {
    const node = await this.ensure(roomName, roomId);
    const local = matchMaker.getLocalRoomById(roomId);
    if (isCommandHost(local)) return { local };
    if (node === matchMaker.processId) throw new RoomGoneError(roomId);
    return { node };
  }

  async #call(roomName: string, roomId: string, command: ActorCommand): Promise<unknown> {
    // One id for every attempt of this call: a node asked again answers the first outcome.
    let callId: string | undefined;
    for (let attempt = 1; ; attempt++) {
      let node: string | undefined;
      try {
        const where = await this.#locate(roomName, roomId);
        if ('local' in where) return await where.local.handle(command);
        node = where.node;
        callId ??= `${this.#o.bus.nodeId}:${++this.#calls}`;
        return await this.#o.bus.call(node, roomId, command, callId);
      } catch (e) {
        const moved = e instanceof ActorGoneError || e instanceof RoomGoneError || e instanceof CallTimeoutError;
        if (!moved || attempt >= this.#o.maxAttempts) throw asCallError(e, roomId);
        await this.recover(roomId, e instanceof CallTimeoutError ? node : undefined);
        await new Promise((r) => setTimeout(r, Math.min(10 * attempt, 200)));
      }
    }
  }

  /** Serves a call that arrived over the bus for a room hosted here. */
  async serveRemote(roomId: string, command: ActorCommand): Promise<CallOutcome> {
    const room = matchMaker.getLocalRoomById(roomId);
    if (!isCommandHost(room)) return { ok: false, kind: 'gone' };
    try {
      return { ok: true, value: await room.handle(command) };
    } catch (e) {
      if (e instanceof ImError) return { ok: false, kind: 'im', name: e.errorName, code: e.code, info: e.info };
      if (e instanceof ActorGoneError) return { ok: false, kind: 'gone' };
      this.#o.log.error({ err: e, roomId, op: command.op }, 'remote actor call failed');
      return { ok: false, kind: 'internal', message: e instanceof Error ? e.message : String(e) };
    }
  }
}

function asCallError(e: unknown, roomId: string): unknown {
  if (e instanceof ImError) return e;
  if (e instanceof ActorGoneError || e instanceof RoomGoneError || e instanceof CallTimeoutError) {
    return imError('StreamUnavailable', { streamId: roomId });
  }
  return e;
}
