/**
 * Fan-out across nodes: every node mirrors the presence directory in memory (loaded at start, kept
 * current by presence messages on the bus), so handing an event to a list of users costs one map
 * lookup per user and one bus message per node that hosts some of them — never one per member.
 * Live delivery is best effort: a stale entry sends to a node that no longer hosts the user, who
 * catches up by SEQ on the next event or sync.
 */
import type { StreamEvent } from '../protocol/entries.ts';
import { type DeviceSink, type FanOut, LiveEvent } from './fan-out.ts';
import type { NodeBus } from './node-bus.ts';
import type { PresenceDirectory } from './presence-directory.ts';

interface Location {
  readonly node: string;
  /** When the node announced it (its clock, ms); a later announcement wins. */
  readonly at: number;
}

export class ClusterFanOut implements FanOut {
  readonly #bus: NodeBus;
  readonly #directory: PresenceDirectory;
  readonly #now: () => number;
  /** Users with devices on this node; bounded by connected users. */
  readonly #sinks = new Map<string, DeviceSink>();
  /** Mirror of the directory: one entry per online user in the cluster. */
  readonly #where = new Map<string, Location>();

  constructor(bus: NodeBus, directory: PresenceDirectory, now: () => number) {
    this.#bus = bus;
    this.#directory = directory;
    this.#now = now;
  }

  get #me(): string {
    return this.#bus.nodeId;
  }

  /** Loads the directory; call once the bus delivers presence messages, so none is missed. */
  async load(): Promise<void> {
    for (const [user, node] of await this.#directory.all()) {
      if (!this.#where.has(user)) this.#where.set(user, { node, at: 0 });
    }
  }

  online(userId: string, sink: DeviceSink): void {
    this.#sinks.set(userId, sink);
    const at = this.#now();
    this.#where.set(userId, { node: this.#me, at });
    this.#directory.set(userId, this.#me).catch(() => undefined); // the bus message keeps the mirrors right
    this.#bus.broadcast({ t: 'presence', userId, node: this.#me, online: true, at });
  }

  offline(userId: string, sink: DeviceSink): void {
    if (this.#sinks.get(userId) !== sink) return;
    this.#sinks.delete(userId);
    if (this.#where.get(userId)?.node === this.#me) this.#where.delete(userId);
    this.#directory.clearIf(userId, this.#me).catch(() => undefined);
    this.#bus.broadcast({ t: 'presence', userId, node: this.#me, online: false, at: this.#now() });
  }

  toUsers(userIds: Iterable<string>, event: StreamEvent): number {
    const live = new LiveEvent(event);
    let n = 0;
    let remote: Map<string, string[]> | undefined;
    for (const id of userIds) {
      const loc = this.#where.get(id);
      if (!loc) continue;
      n++;
      if (loc.node === this.#me) {
        this.#sinks.get(id)?.deliver(live);
      } else {
        remote ??= new Map();
        const list = remote.get(loc.node);
        if (list) list.push(id);
        else remote.set(loc.node, [id]);
      }
    }
    if (remote) for (const [node, users] of remote) this.#bus.deliver(node, users, event);
    return n;
  }

  isOnline(userId: string): boolean {
    return this.#where.has(userId);
  }

  onlineUsers(): string[] {
    return [...this.#where.keys()];
  }

  /** A deliver message from another node: hand the event to the local devices. */
  deliverLocal(users: readonly string[], event: StreamEvent): void {
    const live = new LiveEvent(event);
    for (const id of users) this.#sinks.get(id)?.deliver(live);
  }

  notePresence(userId: string, node: string, online: boolean, at: number): void {
    const cur = this.#where.get(userId);
    if (online) {
      if (!cur || at >= cur.at) this.#where.set(userId, { node, at });
    } else if (cur?.node === node) {
      this.#where.delete(userId);
    }
  }

  noteNodeDown(node: string): void {
    for (const [user, loc] of this.#where) if (loc.node === node) this.#where.delete(user);
  }

  /** Online users in the cluster as this node sees them (for tests and metrics). */
  get knownOnline(): number {
    return this.#where.size;
  }
}
