/**
 * Liveness of the cluster's nodes. Each node refreshes a key with a TTL; every node periodically
 * looks for registered nodes whose key expired, removes what they hosted from the presence
 * directory, tells the others, and has Colyseus health-check them (which drops their room listings).
 * The live node list also drives placement.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';


export interface NodeRegistryOptions {
  readonly nodeId: string;
  /** Prefix of the registry's keys, so clusters can share one Redis. */
  readonly clusterName: string;
  readonly heartbeatMs: number;
  /** A node whose key is older than this is dead. */
  readonly ttlMs: number;
  readonly onNodeDown: (node: string) => Promise<void>;
  readonly log: Logger;
}

export class NodeRegistry {
  readonly #redis: Redis;
  readonly #o: NodeRegistryOptions;
  #live: readonly string[];
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  /** Nodes found dead; bounded by how many nodes ever left while this one ran. */
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

  /** Whether `node` was seen and has since been buried (a crashed or departed node). */
  isGone(node: string): boolean {
    return this.#buried.has(node);
  }

  async start(): Promise<void> {
    await this.#beat();
    await this.#scan();
    this.#timer = setInterval(() => void this.#tick(), this.#o.heartbeatMs);
    this.#timer.unref();
  }

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
    await this.#redis.multi().sadd(this.#nodesKey, this.#o.nodeId).set(this.#aliveKey(this.#o.nodeId), String(Date.now()), 'PX', this.#o.ttlMs).exec();
  }

  async #scan(): Promise<void> {
    const nodes = await this.#redis.smembers(this.#nodesKey);
    const alive = await Promise.all(nodes.map((n) => this.#redis.exists(this.#aliveKey(n))));
    const live: string[] = [];
    for (let i = 0; i < nodes.length; i++) {
      if (alive[i] === 1 || nodes[i] === this.#o.nodeId) live.push(nodes[i]);
      else {
        this.#buried.add(nodes[i]);
        await this.#bury(nodes[i]);
      }
    }
    this.#live = live.sort();
  }

  async #bury(node: string): Promise<void> {
    // Only one node buries a dead one: SREM answers 1 for the first.
    if ((await this.#redis.srem(this.#nodesKey, node)) !== 1) return;
    this.#o.log.warn({ node }, 'node is gone; releasing what it hosted');
    await this.#o.onNodeDown(node);
  }

  /** Leaves the cluster now (graceful shutdown): others need not wait for the TTL. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#redis.multi().srem(this.#nodesKey, this.#o.nodeId).del(this.#aliveKey(this.#o.nodeId)).exec();
  }
}
