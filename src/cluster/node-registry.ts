/**
 * Liveness of the cluster's nodes. Each node refreshes a key with a TTL holding the id of its Redis
 * connection; every node periodically looks for registered nodes that are dead — their key expired
 * (a node silent past the TTL), or their Redis connection is gone (a killed process: seen within one
 * check, long before the TTL) — removes what they hosted, tells the others, and has Colyseus drop
 * their room listings. The live node list also drives placement.
 *
 * A node declared dead that turns out alive (paused past the TTL, then resumed) is not dead: its
 * heartbeat puts it back, every node forgets it buried it, and the node itself learns it was buried
 * (its registration was gone) and retires its actors, which may have moved while it was away.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Prefix of an alive key's value: the id of the node's Redis connection follows. */
const CONN = 'conn:';

export interface NodeRegistryOptions {
  readonly nodeId: string;
  /** Prefix of the registry's keys, so clusters can share one Redis. */
  readonly clusterName: string;
  readonly heartbeatMs: number;
  /** A node whose key is older than this is dead. */
  readonly ttlMs: number;
  /** How often registered nodes are checked for a lost Redis connection, ms (default: the heartbeat). */
  readonly checkEveryMs?: number;
  /** A node was found dead (called on the one node that buries it). */
  readonly onNodeDown: (node: string) => Promise<void>;
  /** This node was declared dead by another and is back: its actors may live elsewhere now. */
  readonly onBuried: () => Promise<void>;
  readonly log: Logger;
}

export class NodeRegistry {
  readonly #redis: Redis;
  readonly #o: NodeRegistryOptions;
  #live: readonly string[];
  #timers: NodeJS.Timeout[] = [];
  #ticking = false;
  #checking = false;
  #registered = false;
  /** This node's Redis connection id, re-read after every reconnect. */
  #clientId = '';
  /** Nodes found dead and not seen alive since; bounded by how many nodes ever left while this one ran. */
  readonly #buried = new Set<string>();

  get #nodesKey(): string {
    return `${this.#o.clusterName}:cluster:nodes`;
  }

  #aliveKey(node: string): string {
    return `${this.#o.clusterName}:cluster:alive:${node}`;
  }

  constructor(redis: Redis, o: NodeRegistryOptions) {
    this.#redis = redis;
    this.#o = o;
    this.#live = [o.nodeId];
  }

  /** Nodes alive at the last heartbeat, this one included, sorted. */
  get liveNodes(): readonly string[] {
    return this.#live;
  }

  /**
   * Whether `node` is dead: it was buried and has not come back. Asks Redis when it was buried, so a
   * node that resumed since is never mistaken for dead (and its new listings never wiped).
   */
  async isDead(node: string): Promise<boolean> {
    if (!this.#buried.has(node)) return false;
    if ((await this.#redis.exists(this.#aliveKey(node))) === 1) {
      this.#unbury(node);
      return false;
    }
    return true;
  }

  /** Another node reported `node` dead (it buried it, or it left): keep it out until it beats again. */
  noteDown(node: string): void {
    if (node === this.#o.nodeId) return;
    this.#buried.add(node);
    this.#live = this.#live.filter((n) => n !== node);
  }

  async start(): Promise<void> {
    this.#redis.on('ready', this.#onReconnect);
    this.#clientId = String(await this.#redis.client('ID'));
    await this.#beat();
    await this.#scan();
    this.#timers = [setInterval(() => void this.#tick(), this.#o.heartbeatMs), setInterval(() => void this.#checkConnections(), this.#o.checkEveryMs ?? this.#o.heartbeatMs)];
    for (const t of this.#timers) t.unref();
  }

  /** A new connection has a new id: publish it at once, before anyone checks the old one. */
  readonly #onReconnect = (): void => {
    void (async () => {
      this.#clientId = String(await this.#redis.client('ID'));
      await this.#beat();
    })().catch((e: unknown) => this.#o.log.warn({ err: e }, 'node heartbeat after reconnect failed'));
  };

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#beat();
      await this.#scan();
    } catch (e) {
      this.#o.log.warn({ err: e }, 'node heartbeat failed');
    } finally {
      this.#ticking = false;
    }
  }

  async #beat(): Promise<void> {
    const replies = await this.#redis.multi().sadd(this.#nodesKey, this.#o.nodeId).set(this.#aliveKey(this.#o.nodeId), `${CONN}${this.#clientId}`, 'PX', this.#o.ttlMs).exec();
    const added = replies?.[0]?.[1] === 1;
    // Registered before, yet missing from the set: another node buried this one while it was away.
    if (added && this.#registered) {
      this.#o.log.warn({ node: this.#o.nodeId }, 'this node was declared dead while it was unreachable; retiring its actors and rejoining');
      await this.#o.onBuried();
    }
    this.#registered = true;
  }

  async #scan(): Promise<void> {
    const nodes = await this.#redis.smembers(this.#nodesKey);
    const alive = await Promise.all(nodes.map((n) => this.#redis.exists(this.#aliveKey(n))));
    const live: string[] = [];
    for (let i = 0; i < nodes.length; i++) {
      if (alive[i] === 1 || nodes[i] === this.#o.nodeId) {
        live.push(nodes[i]);
        this.#unbury(nodes[i]);
      } else {
        await this.#bury(nodes[i]);
      }
    }
    this.#live = live.sort();
  }

  /**
   * Finds nodes whose Redis connection is gone (a killed process) without waiting for their key to
   * expire. Skipped when this node's own connection is not listed either (Redis restarted, or this
   * node reconnected): then every id is new and none proves anything.
   */
  async #checkConnections(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const nodes = (await this.#redis.smembers(this.#nodesKey)).filter((n) => n !== this.#o.nodeId);
      if (nodes.length === 0) return;
      const ids = (await this.#redis.mget(nodes.map((n) => this.#aliveKey(n)))).map((v) => (v?.startsWith(CONN) ? v.slice(CONN.length) : undefined));
      const known = ids.filter((id): id is string => id !== undefined && /^\d+$/.test(id));
      const listing = String(await this.#redis.client('LIST', 'ID', this.#clientId, ...known));
      const connected = new Set([...listing.matchAll(/(?:^|\s)id=(\d+)/g)].map((m) => m[1]));
      if (!connected.has(this.#clientId)) return;
      for (let i = 0; i < nodes.length; i++) {
        const id = ids[i];
        if (id !== undefined && known.includes(id) && !connected.has(id)) {
          this.#o.log.warn({ node: nodes[i] }, 'node lost its Redis connection; declaring it dead');
          // Only its key still says it is alive: drop it, then bury it (once, cluster-wide).
          await this.#redis.del(this.#aliveKey(nodes[i]));
          await this.#bury(nodes[i]);
        }
      }
      this.#live = this.#live.filter((n) => !this.#buried.has(n));
    } catch (e) {
      this.#o.log.warn({ err: e }, 'node connection check failed');
    } finally {
      this.#checking = false;
    }
  }

  #unbury(node: string): void {
    if (this.#buried.delete(node)) this.#o.log.info({ node }, 'node declared dead is alive again; it rejoins');
  }

  async #bury(node: string): Promise<void> {
    this.#buried.add(node);
    // Only one node buries a dead one: SREM answers 1 for the first.
    if ((await this.#redis.srem(this.#nodesKey, node)) !== 1) return;
    this.#o.log.warn({ node }, 'node is gone; releasing what it hosted');
    await this.#o.onNodeDown(node);
  }

  /** Leaves the cluster now (graceful shutdown): others need not wait for the TTL. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#redis.off('ready', this.#onReconnect);
    await this.#redis.multi().srem(this.#nodesKey, this.#o.nodeId).del(this.#aliveKey(this.#o.nodeId)).exec();
  }
}
