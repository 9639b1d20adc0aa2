/**
 * Configuration: the only module that reads `process.env`. `loadConfig` parses the environment
 * into a typed, frozen tree and fails fast with one message naming every bad variable; each
 * feature receives only its slice.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { type CustomProfileTag, parseCustomProfileTags, profileTagRule } from './im/profiles/profile-tags.ts';
import { LOGIN_POLICIES, type LoginLimits } from './im/devices/login-policy.ts';
import { CALLBACK_COMMANDS } from './protocol/callback-commands.ts';
import { type PushConfig, pushConfigOf, pushEnv } from './push/push-config.ts';
import { type RestRateConfig, restRates } from './api/rest-rates.ts';
import type { FloodLimits } from '../rooms/inbox/flood-guard.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0));
const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be true or false (1/0, yes/no)' }).transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  PARLEY_PORT: port.default(2567),
  PARLEY_HOST: z.string().default('0.0.0.0'),
  PARLEY_DATA_DIR: z.string().default('./data'),
  PARLEY_SDKAPPID: z.coerce.number().int().min(1).max(0xffffffff).optional(),
  PARLEY_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PARLEY_ADMIN: list.default(['administrator']),
  PARLEY_PUBLIC_ADDRESS: z.string().optional(),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SQLite durability: NORMAL survives a process crash; FULL also survives power loss. */
  PARLEY_SQLITE_SYNC: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  PARLEY_MAX_MSG_BYTES: positiveInt.default(12 * 1024),
  PARLEY_MAX_BODY_BYTES: positiveInt.default(12 * 1024),
  PARLEY_OFFLINE_RETENTION_S: positiveInt.default(7 * 86400),
  PARLEY_ROAMING_RETENTION_S: positiveInt.default(7 * 86400),
  PARLEY_IDLE_PASSIVATE_MS: positiveInt.default(60_000),
  PARLEY_RECONNECT_WINDOW_S: positiveInt.default(20),
  PARLEY_AUDIENCE_REJOIN_S: positiveInt.default(20),
  PARLEY_LOGIN_POLICY: z.enum(LOGIN_POLICIES).default('multi'),
  PARLEY_LOGINS_PER_PLATFORM: positiveInt.max(3).default(1),
  PARLEY_WEB_LOGINS: positiveInt.max(10).default(10),
  PARLEY_FRIEND_STATUS_PUSH: bool.default(false),
  PARLEY_CONVERSATIONS: bool.default(true),
  PARLEY_DEDUP_WINDOW_S: positiveInt.default(300),
  PARLEY_RECALL_WINDOW_S: positiveInt.default(120),
  PARLEY_GROUP_RECEIPT_MAX_MEMBERS: positiveInt.default(200),
  PARLEY_STATUS_SUBSCRIPTIONS_MAX: positiveInt.default(200),
  PARLEY_GROUP_ATTR_WRITE_RATE: positiveInt.default(5),
  PARLEY_APPLICATION_KEEP_DAYS: positiveInt.default(7),
  PARLEY_PUSH_PER_DAY: positiveInt.default(100),
  PARLEY_PUSH_GAP_MS: positiveInt.default(1000),
  PARLEY_BROADCAST_CHUNK: positiveInt.default(500),
  /** Client flood control (rooms/inbox/flood-guard.ts); a rate of 0 turns that limit off. */
  PARLEY_CLIENT_OP_RATE: nonNegativeInt.default(200),
  PARLEY_CLIENT_OP_BURST: positiveInt.default(400),
  PARLEY_CLIENT_SEND_RATE: nonNegativeInt.default(100),
  PARLEY_CLIENT_SEND_BURST: positiveInt.default(200),
  PARLEY_CLIENT_MAX_PENDING: positiveInt.default(256),
  PARLEY_CLIENT_FLOOD_CLOSE_AFTER: positiveInt.default(200),
  /** Logins (`/connect`) a second per user and per client address, cluster-wide; 0 = no limit. */
  PARLEY_LOGIN_RATE_PER_USER: nonNegativeInt.default(10),
  PARLEY_LOGIN_RATE_PER_IP: nonNegativeInt.default(0),
  /** REST calls a second per command, cluster-wide (Tencent: 200; some commands less, see src/api/rest-rates.ts); 0 = no per-command limits. */
  PARLEY_REST_RATE: nonNegativeInt.default(200),
  /** Per-command rates, `service/command=N`, comma-separated (over the defaults). */
  PARLEY_REST_RATES: list.default([]),
  /** REST calls a second for the whole app, cluster-wide; 0 = none. */
  PARLEY_REST_APP_RATE: nonNegativeInt.default(0),
  PARLEY_PROFILE_CUSTOM_TAGS: z.string().default(''),
  PARLEY_MESSAGE_PROFILE_TAGS: list.default(['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image']),
  PARLEY_PROFILE_CACHE_MS: positiveInt.default(5000),
  PARLEY_C2C_FRIENDS_ONLY: bool.default(false),
  PARLEY_RELATION_CACHE_MS: positiveInt.default(2000),
  PARLEY_GROUP_MSG_RATE: positiveInt.default(40),
  PARLEY_DIRTY_WORDS: list.default([]),
  PARLEY_DIRTY_WORDS_FILE: z.string().optional(),
  PARLEY_DIRTY_WORDS_ACTION: z.enum(['reject', 'mask']).default('reject'),
  PARLEY_GROUP_COMMIT_MS: z.coerce.number().int().min(0).max(50).default(2),
  CASSANDRA_CONTACT_POINTS: list.optional(),
  CASSANDRA_KEYSPACE: z.string().default('parley'),
  CASSANDRA_LOCAL_DC: z.string().default('datacenter1'),
  CASSANDRA_REPLICATION: z.string().default("{'class': 'SimpleStrategy', 'replication_factor': 1}"),
  CASSANDRA_CONSISTENCY: z.enum(['ONE', 'LOCAL_ONE', 'QUORUM', 'LOCAL_QUORUM', 'ALL']).default('LOCAL_QUORUM'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  KAFKA_BROKERS: list.optional(),
  KAFKA_CLIENT_ID: z.string().default('parley'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only').default('parley'),
  KAFKA_TOPIC_PARTITIONS: positiveInt.default(6),
  KAFKA_REPLICATION_FACTOR: positiveInt.default(1),
  PARLEY_EVENT_RETENTION_S: positiveInt.default(7 * 86400),
  PARLEY_EMISSION_SWEEP_MS: positiveInt.default(30_000),
  /** Fault injection for tests, comma-separated (see ImContext.faults). Never set in production. */
  PARLEY_FAULT: list.default([]),
  PARLEY_CLUSTER_NAME: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('parley'),
  PARLEY_CALL_TIMEOUT_MS: positiveInt.default(2000),
  PARLEY_HEARTBEAT_MS: positiveInt.default(2000),
  PARLEY_NODE_TTL_MS: positiveInt.default(6000),
  PARLEY_AUDIT_EVERY_MS: positiveInt.default(3000),
  /** Testing/ops knob: shifts Parley's clock (message times, hour boundaries, expiries) by this many ms. Leave 0 in production. */
  PARLEY_CLOCK_OFFSET_MS: z.coerce.number().int().default(0),
  PARLEY_ARCHIVE_GRACE_S: z.coerce.number().int().min(0).default(300),
  PARLEY_ARCHIVE_RETENTION_DAYS: positiveInt.default(7),
  PARLEY_ARCHIVE_URL_TTL_S: positiveInt.default(3600),
  /** Seconds a dependency may take to answer at start before the server gives up with a clear error. */
  PARLEY_CONNECT_TIMEOUT_S: positiveInt.default(10),
  PARLEY_CALLBACK_URL: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL').optional(),
  PARLEY_CALLBACK_TOKEN: z.string().min(1).optional(),
  PARLEY_CALLBACK_COMMANDS: list
    .superRefine((l, ctx) => {
      const bad = l.filter((c) => !CALLBACK_COMMANDS.includes(c));
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `unsupported: ${bad.join(', ')} (supported: ${CALLBACK_COMMANDS.join(', ')})` });
    })
    .optional(),
  PARLEY_CALLBACK_FAIL_CLOSED: bool.default(false),
  PARLEY_CALLBACK_TIMEOUT_MS: positiveInt.default(2000),
  PARLEY_CALLBACK_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  ...pushEnv,
});

export interface Config {
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly publicAddress?: string;
    readonly logLevel: string;
    /** How long a dropped client may come back to its session before it must `/connect` again. */
    readonly reconnectWindowS: number;
    /** How often an inbox joins its user's AVChatRoom audiences again (Tencent's 20 s heartbeat), so a moved group actor regains them. */
    readonly audienceRejoinS: number;
    /** Which of a user's devices may be online together (spec §8.5); a new login closes the others. */
    readonly logins: LoginLimits;
    /** Tell a user's mutual friends online when the user comes online or goes offline. */
    readonly friendStatusPush: boolean;
    /** Keep each user's conversation list with unread counts and read receipts (off: none of them, and no write for them per message). */
    readonly conversations: boolean;
    /** Client flood control, per device and per user (rooms/inbox/flood-guard.ts). */
    readonly flood: FloodLimits;
    /** Logins a second per user and per address (0 = no limit). */
    readonly loginRate: { readonly perUser: number; readonly perIp: number };
  };
  readonly app: {
    readonly dataDir: string;
    /** Fixed by env, or generated once and kept in the data dir. */
    readonly sdkAppId?: number;
    readonly secretKey?: string;
    readonly admins: readonly string[];
  };
  /** The app's custom profile tags (Tag_Profile_Custom_*), declared in PARLEY_PROFILE_CUSTOM_TAGS. */
  readonly customProfileTags: readonly CustomProfileTag[];
  readonly senderProfiles: {
    /** The sender's profile tags messages carry (Tencent's nick and avatar); each readable by anyone. */
    readonly tags: readonly string[];
    /** How long a node keeps a sender's fields before reading them again, ms. */
    readonly cacheMs: number;
  };
  readonly relations: {
    /** Client C2C messages only between friends (Tencent's console switch; 20009–20011). */
    readonly c2cFriendsOnly: boolean;
    /** How long a node keeps what the send checks read (blacklists, friendships, global mutes), ms. */
    readonly cacheMs: number;
  };
  readonly moderation: {
    /** Messages per second one group accepts (all senders together); over it, lower priorities are dropped first. */
    readonly groupMsgRate: number;
    /** Dirty words given inline; `dirtyWordsFile` adds one word per line. */
    readonly dirtyWords: readonly string[];
    readonly dirtyWordsFile?: string;
    /** A text holding one: refused with 80001, or sent with the words masked by `*`. */
    readonly dirtyWordsAction: 'reject' | 'mask';
  };
  /** REST call rates (src/api/rest-rates.ts). */
  readonly restRates: RestRateConfig;
  readonly limits: {
    /** Largest message content (MsgBody + CloudCustomData), bytes. */
    readonly maxMsgBytes: number;
    /** Largest REST body for ordinary commands, bytes; batch commands allow room for their lists. */
    readonly maxBodyBytes: number;
    /** Longest wait of a message for offline devices (MsgLifeTime's ceiling), seconds. */
    readonly offlineRetentionS: number;
    /** How long messages stay in roaming history, seconds (independent of MsgLifeTime). */
    readonly roamingRetentionS: number;
    /** Window in which a retried send (same sender and random) is recognised. */
    readonly dedupWindowS: number;
    /** How long after sending a user may recall their message, seconds (App admins have no limit). */
    readonly recallWindowS: number;
    /** Group attribute writes (modify/set/delete/clear) one group accepts per second. */
    readonly groupAttrWriteRate: number;
    /** The most members a group may have for its messages' read receipts (10060 beyond). */
    readonly receiptMaxMembers: number;
    /** How many users one user may follow the online status of; the oldest subscriptions give way beyond. */
    readonly statusSubscriptionsMax: number;
    /** How long a decided application to join (or invitation) stays in the users' lists, seconds. */
    readonly applicationKeepS: number;
    /** im_push calls accepted in any 24 hours (90047 beyond). */
    readonly pushPerDay: number;
    /** Least time between two im_push calls, ms (90024 sooner). */
    readonly pushGapMs: number;
    /** Online users an im_push delivery job checks per store read of their tags or attributes. */
    readonly broadcastChunk: number;
  };
  readonly actors: {
    readonly idlePassivateMs: number;
  };
  readonly sqlite: {
    readonly synchronous: 'NORMAL' | 'FULL';
    /** Longest wait before a batch of appends is committed, ms (0 = next tick). */
    readonly groupCommitMs: number;
  };
  /** Set when CASSANDRA_CONTACT_POINTS is: the store is Cassandra instead of SQLite. */
  readonly cassandra?: {
    readonly contactPoints: readonly string[];
    readonly keyspace: string;
    readonly localDataCenter: string;
    readonly replication: string;
    readonly consistency: 'ONE' | 'LOCAL_ONE' | 'QUORUM' | 'LOCAL_QUORUM' | 'ALL';
  };
  /** Set when REDIS_URL is. */
  readonly redis?: { readonly url: string };
  /** Set when KAFKA_BROKERS is. */
  readonly kafka?: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly partitions: number;
    readonly replicationFactor: number;
    readonly topicPrefix: string;
  };
  /** How long each dependency may take to answer at start, ms. */
  readonly connectTimeoutMs: number;
  readonly events: {
    /** How long the in-process event log keeps events, ms (Kafka keeps them per its topic config). */
    readonly retentionMs: number;
    /** How often streams with unpublished events are swept, ms. */
    readonly sweepEveryMs: number;
  };
  /** Added to the system clock wherever Parley reads the time (tests and ops drills only), ms. */
  readonly clockOffsetMs: number;
  /** Chat-record download (`open_msg_svc/get_history`). */
  readonly archive: {
    /** How long after an hour ends its files are finalized, ms; later events go to a late part of the hour. */
    readonly graceMs: number;
    /** How long files are kept: hours that started longer ago are expired and deleted, ms. */
    readonly retentionMs: number;
    /** How long a download URL works, seconds. */
    readonly urlTtlS: number;
  };
  /** Fault injection points switched on (tests only). */
  readonly faults: ReadonlySet<string>;
  /** Tencent-style HTTP callbacks to the app server (spec §7); set when PARLEY_CALLBACK_URL is. */
  readonly callbacks?: {
    readonly url: string;
    /** Adds `Sign`/`RequestTime` to each callback URL when set. */
    readonly token?: string;
    /** The commands switched on; every supported one when PARLEY_CALLBACK_COMMANDS is unset. */
    readonly commands: readonly string[];
    /** A before-callback that times out or fails rejects the action (80003) instead of allowing it. */
    readonly failClosed: boolean;
    /** How long one callback request may take, ms. */
    readonly timeoutMs: number;
    /** How often a failed after-callback is retried (exponential backoff) before it is logged and skipped. */
    readonly retries: number;
  };
  /** Offline push (src/push): set when at least one provider (APNs, FCM, Web Push) is configured. */
  readonly push?: PushConfig;
  readonly cluster: {
    /** Prefix of the cluster's Redis keys and channels (several clusters may share a Redis). */
    readonly name: string;
    /** A call to an actor on another node fails over after this long, ms. */
    readonly callTimeoutMs: number;
    readonly heartbeatMs: number;
    /** A node silent for this long is dead: its actors re-activate elsewhere, ms. */
    readonly nodeTtlMs: number;
    /** How often actors check they are still the routed instance, ms. */
    readonly auditEveryMs: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** PARLEY_PROFILE_CUSTOM_TAGS's declarations, or a ConfigError naming the bad one. */
function parseCustomTagsOption(spec: string): CustomProfileTag[] {
  try {
    return parseCustomProfileTags(spec);
  } catch (e) {
    throw new ConfigError(`invalid configuration:\n  PARLEY_PROFILE_CUSTOM_TAGS: ${(e as Error).message}`);
  }
}

/** PARLEY_MESSAGE_PROFILE_TAGS: known tags that anyone may read (a message shows them to every receiver). */
function messageProfileTags(tags: readonly string[], custom: readonly CustomProfileTag[]): string[] {
  for (const tag of tags) {
    const rule = profileTagRule(tag, custom);
    if (!rule) throw new ConfigError(`invalid configuration:\n  PARLEY_MESSAGE_PROFILE_TAGS: ${tag} is neither a standard profile tag nor declared in PARLEY_PROFILE_CUSTOM_TAGS`);
    if (rule.read !== 'anyone') throw new ConfigError(`invalid configuration:\n  PARLEY_MESSAGE_PROFILE_TAGS: ${tag} is not readable by anyone (r=${rule.read}), so messages may not carry it`);
  }
  return [...new Set(tags)];
}

/** Parses `env` (normally `process.env`) into a frozen Config; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const customProfileTags = parseCustomTagsOption(e.PARLEY_PROFILE_CUSTOM_TAGS);
  const push = pushConfigOf(e);
  if (push.problems.length > 0) throw new ConfigError(`invalid configuration:\n${push.problems.map((p) => `  ${p}`).join('\n')}`);
  const rates: RestRateConfig = { defaultRate: e.PARLEY_REST_RATE, overrides: e.PARLEY_REST_RATES, appRate: e.PARLEY_REST_APP_RATE };
  try {
    restRates(rates);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`);
  }
  const config: Config = {
    restRates: rates,
    server: {
      port: e.PARLEY_PORT,
      host: e.PARLEY_HOST,
      publicAddress: e.PARLEY_PUBLIC_ADDRESS,
      logLevel: e.PARLEY_LOG_LEVEL,
      reconnectWindowS: e.PARLEY_RECONNECT_WINDOW_S,
      audienceRejoinS: e.PARLEY_AUDIENCE_REJOIN_S,
      logins: { policy: e.PARLEY_LOGIN_POLICY, perPlatform: e.PARLEY_LOGINS_PER_PLATFORM, web: e.PARLEY_WEB_LOGINS },
      friendStatusPush: e.PARLEY_FRIEND_STATUS_PUSH,
      conversations: e.PARLEY_CONVERSATIONS,
      flood: {
        opRate: e.PARLEY_CLIENT_OP_RATE,
        opBurst: e.PARLEY_CLIENT_OP_BURST,
        sendRate: e.PARLEY_CLIENT_SEND_RATE,
        sendBurst: e.PARLEY_CLIENT_SEND_BURST,
        maxPending: e.PARLEY_CLIENT_MAX_PENDING,
        closeAfter: e.PARLEY_CLIENT_FLOOD_CLOSE_AFTER,
      },
      loginRate: { perUser: e.PARLEY_LOGIN_RATE_PER_USER, perIp: e.PARLEY_LOGIN_RATE_PER_IP },
    },
    app: {
      dataDir: resolve(e.PARLEY_DATA_DIR),
      sdkAppId: e.PARLEY_SDKAPPID,
      secretKey: e.PARLEY_SECRET_KEY,
      admins: e.PARLEY_ADMIN,
    },
    limits: {
      maxMsgBytes: e.PARLEY_MAX_MSG_BYTES,
      maxBodyBytes: e.PARLEY_MAX_BODY_BYTES,
      offlineRetentionS: e.PARLEY_OFFLINE_RETENTION_S,
      roamingRetentionS: e.PARLEY_ROAMING_RETENTION_S,
      dedupWindowS: e.PARLEY_DEDUP_WINDOW_S,
      recallWindowS: e.PARLEY_RECALL_WINDOW_S,
      groupAttrWriteRate: e.PARLEY_GROUP_ATTR_WRITE_RATE,
      receiptMaxMembers: e.PARLEY_GROUP_RECEIPT_MAX_MEMBERS,
      statusSubscriptionsMax: e.PARLEY_STATUS_SUBSCRIPTIONS_MAX,
      applicationKeepS: e.PARLEY_APPLICATION_KEEP_DAYS * 86400,
      pushPerDay: e.PARLEY_PUSH_PER_DAY,
      pushGapMs: e.PARLEY_PUSH_GAP_MS,
      broadcastChunk: e.PARLEY_BROADCAST_CHUNK,
    },
    customProfileTags,
    senderProfiles: { tags: messageProfileTags(e.PARLEY_MESSAGE_PROFILE_TAGS, customProfileTags), cacheMs: e.PARLEY_PROFILE_CACHE_MS },
    relations: { c2cFriendsOnly: e.PARLEY_C2C_FRIENDS_ONLY, cacheMs: e.PARLEY_RELATION_CACHE_MS },
    moderation: {
      groupMsgRate: e.PARLEY_GROUP_MSG_RATE,
      dirtyWords: e.PARLEY_DIRTY_WORDS,
      dirtyWordsFile: e.PARLEY_DIRTY_WORDS_FILE,
      dirtyWordsAction: e.PARLEY_DIRTY_WORDS_ACTION,
    },
    actors: { idlePassivateMs: e.PARLEY_IDLE_PASSIVATE_MS },
    sqlite: { synchronous: e.PARLEY_SQLITE_SYNC, groupCommitMs: e.PARLEY_GROUP_COMMIT_MS },
    cassandra: e.CASSANDRA_CONTACT_POINTS?.length
      ? {
          contactPoints: e.CASSANDRA_CONTACT_POINTS,
          keyspace: e.CASSANDRA_KEYSPACE,
          localDataCenter: e.CASSANDRA_LOCAL_DC,
          replication: e.CASSANDRA_REPLICATION,
          consistency: e.CASSANDRA_CONSISTENCY,
        }
      : undefined,
    redis: e.REDIS_URL ? { url: e.REDIS_URL } : undefined,
    kafka: e.KAFKA_BROKERS?.length
      ? { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID, partitions: e.KAFKA_TOPIC_PARTITIONS, replicationFactor: e.KAFKA_REPLICATION_FACTOR, topicPrefix: e.KAFKA_TOPIC_PREFIX }
      : undefined,
    connectTimeoutMs: e.PARLEY_CONNECT_TIMEOUT_S * 1000,
    events: { retentionMs: e.PARLEY_EVENT_RETENTION_S * 1000, sweepEveryMs: e.PARLEY_EMISSION_SWEEP_MS },
    clockOffsetMs: e.PARLEY_CLOCK_OFFSET_MS,
    archive: { graceMs: e.PARLEY_ARCHIVE_GRACE_S * 1000, retentionMs: e.PARLEY_ARCHIVE_RETENTION_DAYS * 86_400_000, urlTtlS: e.PARLEY_ARCHIVE_URL_TTL_S },
    faults: new Set(e.PARLEY_FAULT),
    callbacks: e.PARLEY_CALLBACK_URL
      ? {
          url: e.PARLEY_CALLBACK_URL,
          token: e.PARLEY_CALLBACK_TOKEN,
          commands: e.PARLEY_CALLBACK_COMMANDS ?? [...CALLBACK_COMMANDS],
          failClosed: e.PARLEY_CALLBACK_FAIL_CLOSED,
          timeoutMs: e.PARLEY_CALLBACK_TIMEOUT_MS,
          retries: e.PARLEY_CALLBACK_RETRIES,
        }
      : undefined,
    ...(push.config ? { push: push.config } : {}),
    cluster: {
      name: e.PARLEY_CLUSTER_NAME,
      callTimeoutMs: e.PARLEY_CALL_TIMEOUT_MS,
      heartbeatMs: e.PARLEY_HEARTBEAT_MS,
      nodeTtlMs: e.PARLEY_NODE_TTL_MS,
      auditEveryMs: e.PARLEY_AUDIT_EVERY_MS,
    },
  };
  if (config.redis && !config.cassandra) {
    throw new ConfigError('invalid configuration:\n  REDIS_URL makes this node part of a cluster, which needs the shared Cassandra store: set CASSANDRA_CONTACT_POINTS too');
  }
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
