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
import { cassandraEnv } from './services.ts';

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
}

export class ParleyCluster {
  readonly nodes: ParleyProcess[];
  readonly redisUrl: string;

  private constructor(nodes: ParleyProcess[], redisUrl: string) {
    this.nodes = nodes;
    this.redisUrl = redisUrl;
  }

  static async start(o: ParleyClusterOptions): Promise<ParleyCluster> {
    const redisUrl = `${process.env.REDIS_URL}/${o.redisDb}`;
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    redis.disconnect();
    const shared = {
      ...cassandraEnv(),
      REDIS_URL: redisUrl,
      PARLEY_CLUSTER_NAME: `test-${randomBytes(4).toString('hex')}`,
      PARLEY_SDKAPPID: String(1_400_000_000 + Math.floor(Math.random() * 90_000_000)),
      PARLEY_SECRET_KEY: randomBytes(24).toString('hex'),
      ...o.env,
    };
    const ports = await Promise.all(Array.from({ length: o.nodes }, () => freePort()));
    const env = (port: number) => ({ ...shared, PARLEY_PUBLIC_ADDRESS: `127.0.0.1:${port}` });
    // The first node applies the schema; the others start together.
    const first = await ParleyProcess.start({ port: ports[0], env: env(ports[0]) });
    const rest = await Promise.all(ports.slice(1).map((port) => ParleyProcess.start({ port, env: env(port) })));
    return new ParleyCluster([first, ...rest], redisUrl);
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
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
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
