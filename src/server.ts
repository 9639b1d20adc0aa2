/**
 * The composition root: builds the store, actors, authenticator and transports from a Config and
 * wires them into one Colyseus server. `startParley` is what `main.ts` runs and what tests use in
 * process; it returns a handle to stop the server cleanly.
 */
import { defineRoom, defineServer, matchMaker } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import pino, { type Logger } from 'pino';
import type { Store } from '../storage/store.ts';
import { InboxRoom } from '../rooms/inbox-room.ts';
import { GroupRoom } from '../rooms/group-room.ts';
import { BroadcastRoom } from '../rooms/broadcast-room.ts';
import { startBroadcastDelivery } from './events/broadcast/broadcast-delivery.ts';
import { startBroadcastWalk } from './events/broadcast/broadcast-walk.ts';
import { restRates } from './api/rest-rates.ts';
import { LocalRateCounters, RedisRateCounters } from './ops/rate-counters.ts';
import type { ActorRoomOptions, RoomDeps } from '../rooms/room-deps.ts';
import { connectRouter } from './api/connect-route.ts';
import { accountService } from './api/endpoints/accounts.ts';
import { groupService } from './api/endpoints/groups.ts';
import { groupAttrService } from './api/endpoints/group-attr.ts';
import { openimService } from './api/endpoints/openim.ts';
import { profileService } from './api/endpoints/profile.ts';
import { openConfigService } from './api/endpoints/openconfig.ts';
import { SenderProfiles } from './im/profiles/sender-profiles.ts';
import { RelationGate } from './im/sns/relation-gate.ts';
import { snsService } from './api/endpoints/sns.ts';
import { recentContactService } from './api/endpoints/recentcontact.ts';
import { openMsgService } from './api/endpoints/open-msg.ts';
import { allMemberPushService } from './api/endpoints/all-member-push.ts';
import { answerFirst, restHandler } from './api/rest-router.ts';
import { answerMatchmakingRefusalsAs4xx } from './api/matchmake-errors.ts';
import { type AppIdentity, loadAppIdentity } from './auth/app-identity.ts';
import { Authenticator } from './auth/authenticator.ts';
import { createClusterNode } from './cluster/cluster-node.ts';
import { BROADCAST_ROOM, GROUP_ROOM, INBOX_ROOM } from './cluster/room-ids.ts';
import type { Config } from './config.ts';
import type { ImContext } from './im/context.ts';
import { createMetrics } from './ops/metrics.ts';
import { StoreOutbox } from './events/outbox.ts';
import { InFlight } from './ops/in-flight.ts';
import { healthRoutes } from './ops/health.ts';
import { openBackends } from './backends.ts';
import { EmissionSweep } from './events/emission-sweep.ts';
import { createChatArchive } from './events/archive/chat-archive.ts';
import { ALLOW_ALL } from './im/hooks.ts';
import { AccountDirectory } from './im/account-directory.ts';
import { loadModeration } from './im/moderation.ts';
import { createCallbacks } from './events/callbacks/start-callbacks.ts';
import { createOfflinePush, pushInfoOf } from './events/push/start-push.ts';
import { groupPushAudience, unreadTotal } from './im/push/push-audience.ts';

/** Longest wait at shutdown for disposed actors to record their emission positions, ms. */
const SHUTDOWN_DRAIN_MS = 10_000;

/** Largest WebSocket frame accepted: a 12 KB message plus protocol overhead (the transport's default is 4 KiB). */
const MAX_WS_PAYLOAD = 64 * 1024;

export interface Parley {
  readonly identity: AppIdentity;
  readonly port: number;
  readonly store: Store;
  readonly log: Logger;
  /** Stops accepting, disposes the actors, closes the store. */
  stop(): Promise<void>;
}

export async function startParley(config: Config, log: Logger = pino({ level: config.server.logLevel })): Promise<Parley> {
  const identity = loadAppIdentity(config.app);
  // PARLEY_CLOCK_OFFSET_MS shifts Parley's clock (tests, ops drills); 0 leaves it alone. The one clock for every rule.
  const now = config.clockOffsetMs === 0 ? Date.now : (): number => Date.now() + config.clockOffsetMs;
  const backends = await openBackends(config, log, now);
  const store = backends.store;
  let accepting = false;
  const metrics = createMetrics();
  const node = createClusterNode({
    redis: config.redis && backends.redis ? { url: config.redis.url, client: backends.redis.redis } : undefined,
    clusterName: config.cluster.name,
    callTimeoutMs: config.cluster.callTimeoutMs,
    heartbeatMs: config.cluster.heartbeatMs,
    nodeTtlMs: config.cluster.nodeTtlMs,
    auditEveryMs: config.cluster.auditEveryMs,
    now,
    log,
    countBusMessage: (type) => metrics.busMessages.inc({ type }),
  });
  const callbacks = config.callbacks
    ? createCallbacks({ config: config.callbacks, bus: backends.events, sdkAppId: identity.sdkAppId, groups: store.groups, maxMsgBytes: config.limits.maxMsgBytes, now, log })
    : undefined;
  // Group before-callbacks run inside actor calls, which a cluster times out after PARLEY_CALL_TIMEOUT_MS.
  if (config.callbacks && config.redis && config.callbacks.timeoutMs >= config.cluster.callTimeoutMs) {
    log.warn('PARLEY_CALLBACK_TIMEOUT_MS should be below PARLEY_CALL_TIMEOUT_MS in a cluster: a slow group before-callback would time out the actor call');
  }
  const closing = new InFlight();
  const im: ImContext = {
    metrics,
    store,
    actors: node.actors,
    accounts: new AccountDirectory(store.accounts, { now, muteTtlMs: config.relations.cacheMs }),
    relationGate: new RelationGate(store.relations, { now, ttlMs: config.relations.cacheMs, friendsOnly: config.relations.c2cFriendsOnly }),
    senderProfiles: new SenderProfiles(store.accounts, { tags: config.senderProfiles.tags, now, ttlMs: config.senderProfiles.cacheMs }),
    live: node.fanOut,
    identity,
    limits: config.limits,
    moderation: await loadModeration(config.moderation),
    customProfileTags: config.customProfileTags,
    now,
    log,
    events: new StoreOutbox({
      log: store.messages,
      bus: backends.events,
      logger: log,
      inFlight: closing,
      // The crash this simulates is SIGKILL: nothing after it runs, not even exit handlers.
      beforePublish: config.faults.has('exit-before-event') ? () => void process.kill(process.pid, 'SIGKILL') : undefined,
    }),
    hooks: callbacks?.hooks ?? ALLOW_ALL,
    ...(config.push ? { push: pushInfoOf(config.push) } : {}),
    faults: config.faults,
  };
  const push =
    config.push && backends.pushJobs
      ? createOfflinePush({
          config: config.push,
          events: backends.events,
          jobs: backends.pushJobs,
          audience: { isOnline: (u) => im.live.isOnline(u), devicesOf: (ids) => store.pushDevices.devicesOf(ids), unreadTotal: (u) => unreadTotal(im, u), group: (g) => groupPushAudience(im, g) },
          devices: store.pushDevices,
          metrics,
          now,
          log,
        })
      : undefined;
  const auth = new Authenticator(identity, store.accounts, now);
  const archive = createChatArchive(
    { bus: backends.events, catalog: store.archive, metrics, now, log, identity },
    { dataDir: config.app.dataDir, group: `${config.kafka?.topicPrefix ?? 'parley'}-archive`, ...config.archive },
  );
  const deps: RoomDeps = {
    im,
    bus: backends.events,
    fanOut: node.fanOut,
    localActors: node.localActors,
    auth,
    closing,
    settings: { idlePassivateMs: config.actors.idlePassivateMs, reconnectWindowS: config.server.reconnectWindowS, audienceRejoinS: config.server.audienceRejoinS, logins: config.server.logins, friendStatusPush: config.server.friendStatusPush, conversations: config.server.conversations, flood: config.server.flood },
  };
  const roomOptions = { deps } as ActorRoomOptions;
  // Call counts for REST and login rates: shared by the nodes through Redis in a cluster.
  const rateCounters = backends.redis ? new RedisRateCounters(backends.redis.redis, config.cluster.name) : new LocalRateCounters();
  const server = defineServer({
    rooms: {
      [INBOX_ROOM]: defineRoom(InboxRoom, roomOptions).on('create', (room: InboxRoom) => void room.activate()),
      [GROUP_ROOM]: defineRoom(GroupRoom, roomOptions).on('create', (room: GroupRoom) => void room.activate()),
      [BROADCAST_ROOM]: defineRoom(BroadcastRoom, roomOptions).on('create', (room: BroadcastRoom) => void room.activate()),
    },
    transport: new WebSocketTransport({ maxPayload: MAX_WS_PAYLOAD }),
    publicAddress: config.server.publicAddress,
    presence: node.presence,
    driver: node.driver,
    selectProcessIdToCreateRoom: node.selectProcessIdToCreateRoom,
    gracefullyShutdown: false,
    greet: false,
    express: (app) => {
      app.disable('x-powered-by');
      // REST answers are POST replies: hashing each body for an ETag nobody revalidates is wasted work.
      app.disable('etag');
      app.use(connectRouter({ im, auth, actors: node.actors, counters: rateCounters, loginRate: config.server.loginRate, log }));
      app.use(archive.router);
      app.get('/metrics', (_req, res) => {
        metrics.registry.metrics().then(
          (text) => res.type(metrics.registry.contentType).send(text),
          (e: unknown) => res.status(500).send(String(e)),
        );
      });
      healthRoutes(app, backends.checks, () => accepting, () => ({ node: matchMaker.processId, nodes: node.liveNodes() }), () => (push ? { push: push.health() } : {}));
    },
  });
  // Clients never create rooms: they reach their inbox through /connect, or rejoin it.
  matchMaker.controller.exposedMethods = ['joinById', 'reconnect'];
  answerMatchmakingRefusalsAs4xx();
  await server.listen(config.server.port, config.server.host);
  const http = server.transport.server;
  if (!http) throw new Error('the WebSocket transport has no HTTP server');
  // Bound now, so the REST API can answer /v4 ahead of the Colyseus router and Express.
  answerFirst(http, restHandler({ im, auth, services: [accountService, openimService, profileService, snsService, recentContactService, openConfigService, groupService, groupAttrService, allMemberPushService, openMsgService({ urls: archive.urls, retentionMs: archive.retentionMs })], maxBodyBytes: config.limits.maxBodyBytes, rates: restRates(config.restRates), counters: rateCounters, log }));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  await node.start();
  const sweep = new EmissionSweep({ log: store.messages, actors: node.actors, logger: log, firstAfterMs: 2000, everyMs: config.events.sweepEveryMs, batch: 1000 });
  sweep.start();
  await archive.start(`http://${config.server.publicAddress ?? `127.0.0.1:${port}`}`);
  await callbacks?.start();
  await push?.start();
  const broadcasts = await startBroadcastDelivery({
    events: backends.events,
    outbox: im.events,
    live: node.fanOut,
    targets: store.pushTargets,
    ...(backends.broadcastShards ? { shards: backends.broadcastShards } : {}),
    chunk: config.limits.broadcastChunk,
    now,
    log,
    // The crash this simulates is SIGKILL, after the first chunk of a job was handed to devices.
    afterChunk: config.faults.has('exit-mid-broadcast') ? () => void process.kill(process.pid, 'SIGKILL') : undefined,
  });
  const walks =
    config.push && backends.pushJobs && backends.broadcastShards
      ? await startBroadcastWalk({
          shards: backends.broadcastShards,
          jobs: backends.pushJobs,
          devices: store.pushDevices,
          targets: store.pushTargets,
          outbox: im.events,
          isOnline: (u) => im.live.isOnline(u),
          ttlMs: config.push.ttlS * 1000,
          chunk: config.limits.broadcastChunk,
          now,
          log,
          planned: (provider) => metrics.pushPlanned.inc({ provider }),
        })
      : undefined;
  accepting = true;
  log.info({ store: backends.storeKind, redis: Boolean(backends.redis), kafka: Boolean(backends.kafka) }, 'back ends ready');

  return {
    identity,
    port,
    store,
    log,
    async stop() {
      accepting = false;
      const t0 = Date.now();
      await sweep.stop();
      await broadcasts.stop();
      await walks?.stop();
      await archive.stop();
      await node.leave();
      log.info({ ms: Date.now() - t0 }, 'left the cluster');
      await server.gracefullyShutdown(false);
      // Disposed actors record their streams' emission positions; the store stays open until they have.
      if (!(await closing.drain(SHUTDOWN_DRAIN_MS))) log.warn({ pending: closing.size }, 'shutdown went on with emission positions unrecorded; the next start re-publishes them');
      log.info({ ms: Date.now() - t0 }, 'rooms disposed');
      await node.stop();
      await callbacks?.stop();
      await push?.stop();
      await backends.close();
      log.info({ ms: Date.now() - t0 }, 'stopped');
    },
  };
}
