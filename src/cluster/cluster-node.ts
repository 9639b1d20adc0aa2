/**
 * Everything that makes this process a node: Colyseus presence and driver, the node bus, actor
 * references, fan-out, and — in a cluster — the node registry, placement and ownership audit.
 * Embedded mode (no Redis) runs the same actors and bus in process; a cluster shares Redis.
 */
import { LocalPresence, type MatchMakerDriver, type Presence, matchMaker } from '@colyseus/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ClusterFanOut } from './cluster-fan-out.ts';
import { ColyseusActors } from './colyseus-actors.ts';
import { type FanOut, LocalFanOut } from './fan-out.ts';
import { IndexedLocalDriver } from './indexed-local-driver.ts';
import { LocalActors } from './local-actors.ts';
import { NodeBus } from './node-bus.ts';
import { NodeRegistry } from './node-registry.ts';
import { OwnershipAudit } from './ownership-audit.ts';
import { placeRoom } from './placement.ts';
import { ClusterRedisPresence } from './cluster-redis-presence.ts';
import { RedisPresenceDirectory } from './presence-directory.ts';
import { SingleActivationRedisDriver } from './single-activation-driver.ts';
import { CloseCode } from '../protocol/close-codes.ts';

export interface ClusterNodeOptions {
  /** Set for a cluster: the Redis URL (for Colyseus presence) and a connection (driver, directory, registry). */
  readonly redis?: { readonly url: string; readonly client: Redis };
  /** Prefix of the cluster's own Redis keys and channels. */
  readonly clusterName: string;
  readonly callTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly nodeTtlMs: number;
  readonly auditEveryMs: number;
  readonly now: () => number;
  readonly log: Logger;
  /** Counts bus messages by type (metrics). */
  readonly countBusMessage?: (type: string) => void;
}

export interface ClusterNode {
  readonly presence: Presence;
  readonly driver?: MatchMakerDriver;
  readonly selectProcessIdToCreateRoom?: (roomName: string, options: { id?: string }) => Promise<string>;
  readonly actors: ColyseusActors;
  readonly fanOut: FanOut;
  readonly localActors: LocalActors;
  /** The nodes this one sees alive (itself included), as placement uses them. */
  liveNodes(): readonly string[];
  /** Joins the cluster; call once Colyseus listens (its processId is this node's id). */
  start(): Promise<void>;
  /** Leaves the cluster before the rooms are disposed, so nothing new is placed here. */
  leave(): Promise<void>;
  stop(): Promise<void>;
}

/** How often nodes look for a peer whose Redis connection is gone (a crashed process), ms: bounds failover after a crash. */
const CONNECTION_CHECK_MS = 500;

export function createClusterNode(o: ClusterNodeOptions): ClusterNode {
  const presence: Presence = o.redis ? new ClusterRedisPresence(o.redis.url, o.clusterName) : new LocalPresence();
  const bus = new NodeBus(presence, o.callTimeoutMs, o.countBusMessage);
  let registry: NodeRegistry | undefined;
  const actors = new ColyseusActors({ bus, maxAttempts: 20, log: o.log, now: o.now, isDead: async (node) => (await registry?.isDead(node)) ?? false });
  const localActors = new LocalActors();
  if (!o.redis) {
    const fanOut = new LocalFanOut();
    return {
      presence,
      driver: new IndexedLocalDriver(),
      actors,
      fanOut,
      localActors,
      liveNodes: () => [matchMaker.processId],
      start: () =>
        bus.start(matchMaker.processId, {
          onCall: (roomId, command) => actors.serveRemote(roomId, command),
          onDeliver: (users, event) => fanOut.toUsers(users, event),
          onPresence: () => undefined,
          onNodeDown: () => undefined,
        }),
      leave: async () => undefined,
      stop: () => bus.stop(),
    };
  }

  const redis = o.redis.client;
  const directory = new RedisPresenceDirectory(redis, o.clusterName);
  const fanOut = new ClusterFanOut(bus, directory, o.now);
  const driver = new SingleActivationRedisDriver(redis, o.clusterName, () => matchMaker.processId);
  const audit = new OwnershipAudit(driver, localActors, { nodeId: () => matchMaker.processId, everyMs: o.auditEveryMs, log: o.log });

  return {
    presence,
    driver,
    selectProcessIdToCreateRoom: async (_roomName, options) =>
      placeRoom(options.id ?? String(Math.random()), (registry?.liveNodes ?? []).filter((n) => !actors.isSuspect(n))) ?? matchMaker.processId,
    actors,
    fanOut,
    localActors,
    liveNodes: () => registry?.liveNodes ?? [matchMaker.processId],
    async start() {
      const nodeId = matchMaker.processId;
      await bus.start(nodeId, {
        onCall: (roomId, command) => actors.serveRemote(roomId, command),
        onDeliver: (users, event) => fanOut.deliverLocal(users, event),
        onPresence: (userId, node, online, at) => fanOut.notePresence(userId, node, online, at),
        onNodeDown: (node) => {
          fanOut.noteNodeDown(node);
          registry?.noteDown(node);
          actors.forgetNode(node);
        },
      });
      await fanOut.load();
      registry = new NodeRegistry(redis, {
        nodeId,
        clusterName: o.clusterName,
        heartbeatMs: o.heartbeatMs,
        ttlMs: o.nodeTtlMs,
        checkEveryMs: Math.min(o.heartbeatMs, CONNECTION_CHECK_MS),
        log: o.log,
        onNodeDown: async (node) => {
          await directory.clearNode(node);
          fanOut.noteNodeDown(node);
          actors.forgetNode(node);
          bus.failCallsTo(node);
          bus.broadcast({ t: 'node-down', node });
          await matchMaker.healthCheckProcessId(node).catch(() => undefined);
        },
        // Declared dead while paused or cut off: its actors may have re-activated elsewhere. Retire
        // them all (clients reconnect through /connect); calls then activate them afresh.
        onBuried: async () => {
          await Promise.all(localActors.ids().map((id) => localActors.get(id)?.passivate(CloseCode.ActorMoved)));
        },
      });
      await registry.start();
      audit.start();
    },
    async leave() {
      audit.stop();
      await registry?.stop();
      const nodeId = matchMaker.processId;
      await directory.clearNode(nodeId);
      bus.broadcast({ t: 'node-down', node: nodeId });
    },
    async stop() {
      await bus.stop();
    },
  };
}
