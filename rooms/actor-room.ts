/**
 * Base of actor rooms. `onCreate` only records the id and deps (a losing duplicate instance runs it
 * too); `activate()` — run from the handler's 'create' event, which fires for the winner only —
 * loads state. Calls wait for activation; a room that passivates (idle, or its stream writer
 * failed) refuses further calls with ActorGoneError so references retry on a fresh activation.
 */
import { Room, matchMaker } from '@colyseus/core';
import { ActorGoneError, type CommandHost } from '../src/cluster/colyseus-actors.ts';
import { type ActorCommand, type Handlers, type Protocol, dispatch } from '../src/im/actor-api.ts';
import type { ActorHandle } from '../src/cluster/local-actors.ts';
import type { ActorRoomOptions, RoomDeps } from './room-deps.ts';
import { WriterClosedError } from './stream-writer.ts';
import { StaleEpochError } from '../storage/store.ts';
import { imError } from '../src/protocol/errors.ts';

type Phase = 'creating' | 'active' | 'gone';

export abstract class ActorRoom<P extends Protocol> extends Room implements CommandHost, ActorHandle {
  protected deps!: RoomDeps;
  #phase: Phase = 'creating';
  #ready!: Promise<void>;
  #markReady!: () => void;
  #failReady!: (e: unknown) => void;
  #inflight = 0;
  #lastActivity = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  override onCreate(options: ActorRoomOptions): void {
    // A node that was paused may be asked to create an actor it still runs (its listing was swept).
    // A second instance would replace the first in the matchmaker's map and orphan it; refuse instead:
    // the running one restores its listing, or the ownership audit retires it.
    const existing = matchMaker.getLocalRoomById(options.id);
    if (existing && existing !== this) throw new Error(`actor ${options.id} is already active on this node`);
    this.roomId = options.id;
    this.deps = options.deps;
    this.autoDispose = false;
    // Actor rooms keep no synchronized state: the default patch timer (20 ticks a second in every room)
    // would be most of an idle node's CPU. Once a minute keeps Colyseus' room clock alive.
    this.patchRate = 60_000;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failReady = reject;
    });
    this.#ready.catch(() => undefined);
  }

  /** Loads the actor's state; the room serves calls once it resolves. */
  protected abstract load(): Promise<void>;

  /** Whether the room may passivate now (besides having no calls in flight). */
  protected abstract canPassivate(): boolean;

  /** Releases resources when the room passivates or disposes. */
  protected abstract release(): void;

  /** The actor's protocol: one handler per command (exhaustive by type). */
  protected abstract readonly handlers: Handlers<P>;

  handle(command: ActorCommand): Promise<unknown> {
    return dispatch(this.handlers, command);
  }

  async activate(): Promise<void> {
    try {
      await this.load();
      this.#phase = 'active';
      this.deps.im.metrics.actorsActive.inc({ type: this.roomName });
      this.deps.localActors.add(this);
      this.#lastActivity = this.deps.im.now();
      const every = Math.max(50, Math.floor(this.deps.settings.idlePassivateMs / 4));
      this.#idleTimer = setInterval(() => this.#checkIdle(), every).unref();
      this.#markReady();
    } catch (e) {
      this.deps.im.log.error({ err: e, roomId: this.roomId }, 'actor activation failed');
      this.#failReady(new ActorGoneError(this.roomId));
      void this.passivate(1011);
    }
  }

  /** Runs `fn` once the actor is active; refuses if it is passivating. Every actor method goes through here. */
  protected async serve<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.#phase === 'creating') await this.#ready;
    if (this.#phase === 'gone') throw new ActorGoneError(this.roomId);
    this.#inflight++;
    this.#lastActivity = this.deps.im.now();
    try {
      return await fn();
    } catch (e) {
      // The stream moved to another owner (or this writer died): the caller may retry; sends are idempotent.
      if (e instanceof WriterClosedError || e instanceof StaleEpochError) throw imError('StreamUnavailable', { streamId: this.roomId });
      throw e;
    } finally {
      this.#inflight--;
      this.#lastActivity = this.deps.im.now();
    }
  }

  protected get active(): boolean {
    return this.#phase === 'active';
  }

  #checkIdle(): void {
    const idleFor = this.deps.im.now() - this.#lastActivity;
    if (this.#inflight === 0 && this.clients.length === 0 && idleFor >= this.deps.settings.idlePassivateMs && this.canPassivate()) {
      void this.passivate();
    }
  }

  /** Stops serving and disposes the room; connected clients are told to reconnect with `closeCode`. */
  async passivate(closeCode?: number): Promise<void> {
    if (this.#phase === 'gone') return;
    this.#leave();
    this.release();
    await this.disconnect(closeCode);
  }

  override onDispose(): void {
    if (this.#phase !== 'gone') {
      this.#leave();
      this.release();
    }
  }

  /** Marks the actor gone: no more calls, not counted, not audited. */
  #leave(): void {
    if (this.#phase === 'active') {
      this.deps.im.metrics.actorsActive.dec({ type: this.roomName });
      this.deps.localActors.delete(this);
    }
    this.#phase = 'gone';
    clearInterval(this.#idleTimer);
  }
}
