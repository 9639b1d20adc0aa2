/**
 * Fan-out of live events to online users, by node rather than by member: an actor hands the whole
 * recipient list over once; each node delivers to the inbox rooms it hosts. In one process the
 * "node" is this process and delivery is a map lookup per recipient.
 */
import type { StreamEvent } from '../protocol/entries.ts';

/**
 * An event on its way to devices. It is encoded for the wire at most once, by the first sink that
 * needs the bytes, however many inboxes it reaches (a group message to 500 online members: one encode).
 */
export class LiveEvent {
  bytes: Uint8Array | undefined;

  constructor(readonly event: StreamEvent) {}
}

/** An inbox room with devices online on this node. */
export interface DeviceSink {
  /** Sends the event to every connected device of the user; never throws. */
  deliver(live: LiveEvent): void;
}

export interface FanOut {
  /** The user's inbox on this node has devices online (called on the first device, again after moves). */
  online(userId: string, sink: DeviceSink): void;
  /** The user's last device here left; ignored if `sink` is not the registered one. */
  offline(userId: string, sink: DeviceSink): void;
  /** Pushes `event` to each online user among `userIds`; returns how many were online. */
  toUsers(userIds: Iterable<string>, event: StreamEvent): number;
  /** Whether the user has devices online: on this node, or (in a cluster) as this node last heard. */
  isOnline(userId: string): boolean;
  /** A snapshot of the users `isOnline` holds online (for jobs that reach everyone online). */
  onlineUsers(): string[];
}

export class LocalFanOut implements FanOut {
  /** userId → sink; one entry per user with devices on this node (bounded by connected users). */
  readonly #sinks = new Map<string, DeviceSink>();

  online(userId: string, sink: DeviceSink): void {
    this.#sinks.set(userId, sink);
  }

  offline(userId: string, sink: DeviceSink): void {
    if (this.#sinks.get(userId) === sink) this.#sinks.delete(userId);
  }

  toUsers(userIds: Iterable<string>, event: StreamEvent): number {
    const live = new LiveEvent(event);
    let n = 0;
    for (const id of userIds) {
      const sink = this.#sinks.get(id);
      if (sink) {
        sink.deliver(live);
        n++;
      }
    }
    return n;
  }

  isOnline(userId: string): boolean {
    return this.#sinks.has(userId);
  }

  onlineUsers(): string[] {
    return [...this.#sinks.keys()];
  }

  get onlineCount(): number {
    return this.#sinks.size;
  }
}
