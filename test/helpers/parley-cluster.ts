/**
 * A cluster of real Parley processes for tests: N nodes on fixed loopback ports with their public
 * addresses, sharing one app identity, one Cassandra keyspace and one Redis database (flushed at
 * start), under a cluster name of their own.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { ParleyClient, type ParleyClientOptions } from '../../src/client/parley-client.ts';
import { ParleyProcess, type RestResponse } from './parley-process.ts';
import { placeRoom } from '../../src/cluster/placement.ts';
import { cassandraEnv, dropKeyspace } from './services.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ParleyClusterOptions {
  readonly nodes: number;
  /** Redis database for this cluster (tests that share one Redis use different ones). */
  readonly redisDb: number;
  readonly env?: Record<string, string>;
  /** Empty the Redis database first (default); false to start beside another cluster in it. */
  readonly flush?: boolean;
}

export class ParleyCluster {
  readonly nodes: ParleyProcess[];
  readonly redisUrl: string;
  /** The cluster's PARLEY_CLUSTER_NAME: the prefix of its Redis keys. */
  readonly clusterName: string;
  readonly #keyspace: string;

  private constructor(nodes: ParleyProcess[], redisUrl: string, clusterName: string, keyspace: string) {
    this.nodes = nodes;
    this.redisUrl = redisUrl;
    this.clusterName = clusterName;
    this.#keyspace = keyspace;
  }

  static async start(o: ParleyClusterOptions): Promise<ParleyCluster> {
    const redisUrl = `${process.env.REDIS_URL}/${o.redisDb}`;
    if (o.flush !== false) {
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      redis.disconnect();
    }
    const cassandra = cassandraEnv();
    const shared: Record<string, string> = {
      ...cassandra,
      REDIS_URL: redisUrl,
      PARLEY_CLUSTER_NAME: `test-${randomBytes(4).toString('hex')}`,
      PARLEY_SDKAPPID: String(1_400_000_000 + Math.floor(Math.random() * 90_000_000)),
      PARLEY_SECRET_KEY: randomBytes(24).toString('hex'),
      ...o.env,
    };
    // A free port can be taken by someone else before the node binds it: try another one then.
    const startNode = async (): Promise<ParleyProcess> => {
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        try {
          return await ParleyProcess.start({ port, env: { ...shared, PARLEY_PUBLIC_ADDRESS: `127.0.0.1:${port}` } });
        } catch (e) {
          if (attempt >= 3 || !String(e).includes('EADDRINUSE')) throw e;
        }
      }
    };
    // The first node applies the schema; the others start together.
    const first = await startNode();
    const rest = await Promise.all(Array.from({ length: o.nodes - 1 }, () => startNode()));
    const cluster = new ParleyCluster([first, ...rest], redisUrl, shared.PARLEY_CLUSTER_NAME, cassandra.CASSANDRA_KEYSPACE);
    await cluster.formed();
    return cluster;
  }

  /** Waits until every node sees every node alive, so placement is the same on all of them. */
  async formed(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(this.urls.map(async (u) => ((await (await fetch(`${u}/health`)).json()) as { nodes: string[] }).nodes.length));
      if (views.every((n) => n === this.nodes.length)) return;
      if (Date.now() > deadline) throw new Error(`cluster did not form: nodes see ${views.join(', ')} of ${this.nodes.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** Each node's id in the cluster (its Colyseus processId), by node index, as its /health reports it. */
  async nodeIds(): Promise<string[]> {
    return Promise.all(this.urls.map(async (u) => ((await (await fetch(`${u}/health`)).json()) as { node: string }).node));
  }

  /** The index of the node placement puts `roomId` on while all of `ids` (from nodeIds) are alive. */
  static placed(roomId: string, ids: readonly string[]): number {
    return ids.indexOf(placeRoom(roomId, ids) ?? '');
  }

  rest(node: number, path: string, body: unknown): Promise<RestResponse> {
    return this.nodes[node].rest(path, body);
  }

  /** Logs a user in through node `via`, with every other node as a fallback. */
  login(userId: string, via: number, o: Partial<ParleyClientOptions> = {}): Promise<ParleyClient> {
    const endpoints = this.urls;
    return ParleyClient.login({
      endpoint: endpoints[via],
      fallbackEndpoints: endpoints.filter((_, i) => i !== via),
      userId,
      userSig: this.nodes[0].userSig(userId),
      ...o,
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop({ keepKeyspace: true })));
    await dropKeyspace(this.#keyspace).catch(() => undefined);
  }
}
