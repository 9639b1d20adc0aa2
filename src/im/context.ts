/** What domain commands may use: the store, actor references, the app identity, limits and the clock. */
import type { Logger } from 'pino';
import type { Store } from '../../storage/store.ts';
import type { AppIdentity } from '../auth/app-identity.ts';
import type { EventOutbox } from './event-bus.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { AccountDirectory } from './account-directory.ts';
import type { Actors } from './actor-api.ts';
import type { Hooks } from './hooks.ts';
import type { WordFilter } from './word-filter.ts';
import type { CustomProfileTag } from './profiles/profile-tags.ts';
import type { RelationGate } from './sns/relation-gate.ts';
import type { SenderProfiles } from './profiles/sender-profiles.ts';
import type { StreamEvent } from '../protocol/entries.ts';
import type { PushTarget } from '../protocol/push.ts';

export interface ImLimits {
  readonly maxMsgBytes: number;
  /** How long a message waits for offline devices at most (Tencent MsgLifeTime's ceiling), seconds. */
  readonly offlineRetentionS: number;
  /** How long messages stay in roaming history (admin_getroammsg), seconds; independent of MsgLifeTime. */
  readonly roamingRetentionS: number;
  readonly dedupWindowS: number;
  /** How long after sending a user may recall their message, seconds (App admins have no limit). */
  readonly recallWindowS: number;
  /** Group attribute writes one group accepts per second (Tencent: 5, 10049 beyond); 5 when absent. */
  readonly groupAttrWriteRate?: number;
  /** The most members a group may have for read receipts (10060 beyond); 200 when absent. */
  readonly receiptMaxMembers?: number;
  /** How many users one user may follow the online status of (the oldest give way beyond); 200 when absent. */
  readonly statusSubscriptionsMax?: number;
  /** How long a decided application to join (or invitation) stays listed, seconds; 7 days when absent. */
  readonly applicationKeepS?: number;
  /** im_push calls accepted in any 24 hours (Tencent: 100, 90047 beyond); 100 when absent. */
  readonly pushPerDay?: number;
  /** Least time between two im_push calls, ms (Tencent: 1 s, 90024 sooner); 1000 when absent. */
  readonly pushGapMs?: number;
}

/** Message controls of the app (spec §5.6 and Tencent's dirty-word filter). */
export interface Moderation {
  /** Messages per second one group accepts (all senders together). */
  readonly groupMsgRate: number;
  /** The dirty-word list and what a match does; undefined when no list is configured. */
  readonly words?: { readonly filter: WordFilter; readonly action: 'reject' | 'mask' };
}

/** Live pushes to users' devices, and who has any online (src/cluster's FanOut provides it). */
export interface LivePush {
  toUsers(userIds: Iterable<string>, event: StreamEvent): number;
  /** Whether the user has devices online, as this node knows (in a cluster, from the presence messages). */
  isOnline(userId: string): boolean;
}

/** Offline push as devices see it (push.config); absent when no provider is configured. */
export interface PushInfo {
  readonly providers: readonly PushTarget['provider'][];
  readonly vapidPublicKey?: string;
}

export interface ImContext {
  /** The offline-push providers on, for devices to register with; absent when none is. */
  readonly push?: PushInfo;
  readonly store: Store;
  readonly actors: Actors;
  /** Existence checks of accounts (cached; use the store for anything else about accounts). */
  readonly accounts: AccountDirectory;
  readonly identity: AppIdentity;
  readonly limits: ImLimits;
  readonly moderation: Moderation;
  /** What client C2C sends check of the relationship chain (blacklists; friendships where only friends may chat). */
  readonly relationGate: RelationGate;
  /** The sender's profile fields messages carry, read once per sender and window. */
  readonly senderProfiles: SenderProfiles;
  /**
   * Pushes an event to the online devices of users, by node, without storing it (live-only notices);
   * answers how many of them were online here or, in a cluster, known online elsewhere.
   */
  readonly live: LivePush;
  /** The app's custom profile tags (Tag_Profile_Custom_*); none when absent. */
  readonly customProfileTags?: readonly CustomProfileTag[];
  /** Unix ms. Injected so tests can move time. */
  readonly now: () => number;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Before-callbacks to the app server. */
  readonly hooks: Hooks;
  /** Where domain events raised outside an actor go (actors emit through their stream's emitter). */
  readonly events: EventOutbox;
  /**
   * Fault injection for tests (PARLEY_FAULT): `exit-mid-broadcast` kills it once an im_push job
   * handed its first chunk of online users the push; `exit-before-emit` kills the process after a commit,
   * before its events are published; `exit-before-event` once an event that is not a stream entry
   * is recorded, before it is published.
   */
  readonly faults?: ReadonlySet<string>;
}
