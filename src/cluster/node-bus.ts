/**
 * The node bus: every message between Parley nodes is one `BusMessage`, carried over the Colyseus
 * presence pub/sub (Redis in a cluster, in-process in embedded mode). Each node listens on its own
 * channel and on a channel for all nodes. Calls to actors are request/reply with correlation ids and
 * a timeout kept here, once; deliveries and presence changes are fire-and-forget.
 */
import type { Presence } from '@colyseus/core';
import type { StreamEvent } from '../protocol/entries.ts';
import type { ActorCommand } from '../im/actor-api.ts';
import { ImError, codeFits, errors, type ErrorName } from '../protocol/errors.ts';

/** An actor call's outcome as it crosses the bus. */
export type CallOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly kind: 'im'; readonly name: ErrorName; readonly code: number; readonly info: string }
  /** The room is not (or no longer) on the node that was asked: locate it again. */
  | { readonly ok: false; readonly kind: 'gone' }
  | { readonly ok: false; readonly kind: 'internal'; readonly message: string };

export type BusMessage =
  /**
   * `id` correlates the reply; `callId` names the logical call and is the same on every retry of it,
   * so a node asked again while (or after) running it answers with the first outcome instead of
   * running it twice.
   */
  | { readonly t: 'call'; readonly id: number; readonly callId: string; readonly from: string; readonly roomId: string; readonly command: ActorCommand }
  | { readonly t: 'reply'; readonly id: number; readonly outcome: CallOutcome }
  /** Live event for the listed users, all hosted by the receiving node. */
  | { readonly t: 'deliver'; readonly users: readonly string[]; readonly event: StreamEvent }
  /** A user's inbox went online on `node` (or offline there when `online` is false). */
  | { readonly t: 'presence'; readonly userId: string; readonly node: string; readonly online: boolean; readonly at: number }
  /** A node stopped (crash or shutdown): forget what it hosted. */
  | { readonly t: 'node-down'; readonly node: string };

export interface BusHandlers {
  onCall(roomId: string, command: ActorCommand): Promise<CallOutcome>;
  onDeliver(users: readonly string[], event: StreamEvent): void;
  onPresence(userId: string, node: string, online: boolean, at: number): void;
  onNodeDown(node: string): void;
}

/** The call did not answer in time; the node may be dead or paused. */
export class CallTimeoutError extends Error {
  constructor(readonly node: string, roomId: string, op: string, ms: number) {
    super(`call ${op} on ${roomId} at node ${node}: no answer within ${ms} ms`);
    this.name = 'CallTimeoutError';
  }
}

/** The asked node does not host the room (anymore). */
export class RoomGoneError extends Error {
  constructor(roomId: string) {
    super(`room ${roomId} is not on the node asked`);
    this.name = 'RoomGoneError';
  }
}


/**
 * Served calls are remembered for retries for this many call timeouts (a caller retries within a
 * few), and at most SERVED_CALLS of them; older ones are forgotten as new calls arrive.
 */
const SERVED_FOR_TIMEOUTS = 4;
const SERVED_CALLS = 50_000;

interface Pending {
  readonly node: string;
  readonly roomId: string;
  readonly op: string;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

export class NodeBus {
  #nodeId = '';
  readonly #presence: Presence;
  readonly #callTimeoutMs: number;
  #nextId = 1;
  /** Calls awaiting a reply; each is bounded by the call timeout. */
  readonly #pending = new Map<number, Pending>();
  /** Outcomes of calls served here, by callId, for retries; the oldest beyond SERVED_CALLS are forgotten. */
  readonly #served = new Map<string, { readonly outcome: Promise<CallOutcome>; readonly at: number }>();
  #handlers: BusHandlers | undefined;

  readonly #counted: ((type: BusMessage['t']) => void) | undefined;

  /**
   * `presence` keeps clusters apart (its channels are under the cluster's prefix in a cluster);
   * `count` is told of each message published (for the bus metrics).
   */
  constructor(presence: Presence, callTimeoutMs: number, count?: (type: BusMessage['t']) => void) {
    this.#presence = presence;
    this.#callTimeoutMs = callTimeoutMs;
    this.#counted = count;
  }

  #nodeChannel(node: string): string {
    return `parley:node:${node}`;
  }

  get #allChannel(): string {
    return 'parley:nodes';
  }

  /** This node's id (its Colyseus processId), known once the bus started. */
  get nodeId(): string {
    return this.#nodeId;
  }

  async start(nodeId: string, handlers: BusHandlers): Promise<void> {
    this.#nodeId = nodeId;
    this.#handlers = handlers;
    const receive = (m: BusMessage): void => this.#receive(m);
    await this.#presence.subscribe(this.#nodeChannel(this.nodeId), receive);
    await this.#presence.subscribe(this.#allChannel, receive);
  }

  async stop(): Promise<void> {
    // The presence connection may already be closed by Colyseus' shutdown; nothing is left to unsubscribe then.
    await Promise.allSettled([this.#presence.unsubscribe(this.#nodeChannel(this.nodeId)), this.#presence.unsubscribe(this.#allChannel)]);
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error('node bus stopped'));
      this.#pending.delete(id);
    }
  }

  /**
   * Calls `method` on the actor room `roomId` hosted by `node`; rejects with ImError, RoomGoneError or
   * CallTimeoutError. Retries of one logical call pass the same `callId`.
   */
  call(node: string, roomId: string, command: ActorCommand, callId: string): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new CallTimeoutError(node, roomId, command.op, this.#callTimeoutMs));
      }, this.#callTimeoutMs);
      this.#pending.set(id, { node, roomId, op: command.op, resolve, reject, timer });
      this.#publish(node, { t: 'call', id, callId, from: this.nodeId, roomId, command });
    });
  }

  /** Fails every call waiting on `node` now (it was found dead), as if it had timed out: callers retry elsewhere at once. */
  failCallsTo(node: string): void {
    for (const [id, p] of this.#pending) {
      if (p.node !== node) continue;
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(new CallTimeoutError(node, p.roomId, p.op, 0));
    }
  }

  deliver(node: string, users: readonly string[], event: StreamEvent): void {
    this.#publish(node, { t: 'deliver', users, event });
  }

  broadcast(message: Extract<BusMessage, { t: 'presence' | 'node-down' }>): void {
    this.#send(this.#allChannel, message);
  }

  #publish(node: string, message: BusMessage): void {
    this.#send(this.#nodeChannel(node), message);
  }

  /** Fire-and-forget: a message lost to a broken connection is a lost live delivery, which clients recover by SEQ. */
  #send(channel: string, message: BusMessage): void {
    this.#counted?.(message.t);
    Promise.resolve(this.#presence.publish(channel, message)).catch(() => undefined);
  }

  #receive(m: BusMessage): void {
    const h = this.#handlers;
    if (!h) return;
    switch (m.t) {
      case 'call':
        void this.#serve(h, m).then((outcome) => this.#publish(m.from, { t: 'reply', id: m.id, outcome }));
        return;
      case 'reply':
        this.#settle(m.id, m.outcome);
        return;
      case 'deliver':
        h.onDeliver(m.users, m.event);
        return;
      case 'presence':
        if (m.node !== this.nodeId) h.onPresence(m.userId, m.node, m.online, m.at);
        return;
      case 'node-down':
        this.failCallsTo(m.node);
        h.onNodeDown(m.node);
        return;
    }
  }

  /** Runs a call once per `callId`: a retry that arrives while the first runs, or after it, gets the first outcome. */
  #serve(h: BusHandlers, m: Extract<BusMessage, { t: 'call' }>): Promise<CallOutcome> {
    const known = this.#served.get(m.callId);
    if (known) return known.outcome;
    const outcome = h.onCall(m.roomId, m.command);
    // A room that is not here did nothing: a retry may find it here later, so that answer is not kept.
    void outcome.then((o) => {
      if (!o.ok && o.kind === 'gone') this.#served.delete(m.callId);
    });
    const now = performance.now();
    for (const [id, s] of this.#served) {
      if (s.at > now - this.#callTimeoutMs * SERVED_FOR_TIMEOUTS && this.#served.size < SERVED_CALLS) break;
      this.#served.delete(id);
    }
    this.#served.set(m.callId, { outcome, at: now });
    return outcome;
  }

  #settle(id: number, outcome: CallOutcome): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    if (outcome.ok) p.resolve(outcome.value);
    else if (outcome.kind === 'im') p.reject(toImError(outcome.name, outcome.code, outcome.info));
    else if (outcome.kind === 'gone') p.reject(new RoomGoneError('?'));
    else p.reject(new Error(`remote actor failed: ${outcome.message}`));
  }
}

/** Rebuilds a catalogue error from the wire, keeping an app server's own code where the entry allows a range. */
function toImError(name: ErrorName, code: number, info: string): Error {
  if (!Object.hasOwn(errors, name)) return new Error(info);
  return new ImError(name, info, codeFits(name, code) ? code : errors[name].code);
}
