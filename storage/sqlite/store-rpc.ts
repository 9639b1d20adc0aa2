/**
 * What crosses the thread boundary of the threaded SQLite store (`threaded-sqlite-store.ts` on the
 * event loop's side, `store-thread.ts` on the store's): calls of the Store ports' methods and their
 * outcomes, posted in batches (one message per turn of either loop, not one per call). Values are
 * structured-cloned; errors go as plain records and come back as the classes callers test for.
 */
import { type ArchiveCatalog, type AccountStore, BadCursorError, type GroupStore, type MessageLog, type PushDeviceStore, type ReceiptStore, type RelationStore, StaleEpochError, type StatusSubscriptionStore, type PushTargetStore } from '../store.ts';

/** Every method of a port, so a port that gains a method is a compile error here until it is served. */
type MethodsOf<P> = { readonly [K in keyof P]: true };

export const PORT_METHODS = {
  messages: {
    claimStream: true,
    appendEntries: true,
    readEntries: true,
    readEntriesBefore: true,
    headSeqs: true,
    findIdempotent: true,
    updateEntry: true,
    readConversation: true,
    readProjection: true,
    emittedUpto: true,
    markEmitted: true,
    emissionBacklog: true,
    addPending: true,
    readPending: true,
    removePending: true,
    dropEntries: true,
  } satisfies MethodsOf<MessageLog>,
  accounts: {
    importAccounts: true,
    getAccounts: true,
    revokeSigsBefore: true,
    sigNotBefore: true,
    setProfile: true,
    getProfileTags: true,
    setNoSpeaking: true,
    searchAccounts: true,
    deleteAccount: true,
  } satisfies MethodsOf<AccountStore>,
  groups: {
    createGroup: true,
    getGroup: true,
    updateGroup: true,
    listMembers: true,
    getMember: true,
    putMembers: true,
    removeMembers: true,
    groupsOfUser: true,
    deleteGroup: true,
    listGroups: true,
    searchGroups: true,
    putApplication: true,
    getApplication: true,
    decideApplication: true,
    applicationsFor: true,
    markApplicationsRead: true,
  } satisfies MethodsOf<GroupStore>,
  relations: {
    applyRelations: true,
    friendsAmong: true,
    friendCount: true,
    listFriends: true,
    requestsAmong: true,
    requestCounts: true,
    markRequestsRead: true,
    listRequests: true,
    blacklistedAmong: true,
    blacklistCount: true,
    listBlacklist: true,
    friendGroups: true,
    relationSequences: true,
  } satisfies MethodsOf<RelationStore>,
  receipts: { addReceipts: true, receiptsOf: true } satisfies MethodsOf<ReceiptStore>,
  pushDevices: { putDevice: true, removeDevice: true, touchDevice: true, devicesOf: true, deviceOwners: true } satisfies MethodsOf<PushDeviceStore>,
  statusSubscriptions: { subscribe: true, unsubscribe: true, subscriptionsOf: true, subscribersOf: true } satisfies MethodsOf<StatusSubscriptionStore>,
  pushTargets: {
    attrNames: true,
    setAttrNames: true,
    setAttrs: true,
    attrsOf: true,
    removeAttrs: true,
    addTags: true,
    tagsOf: true,
    removeTags: true,
    removeAllTags: true,
    usersWithTag: true,
    usersWithAttr: true,
    putTaskProgress: true,
    taskProgress: true,
  } satisfies MethodsOf<PushTargetStore>,
  archive: { recordFile: true, listFiles: true, deleteBefore: true } satisfies MethodsOf<ArchiveCatalog>,
  /** The Store's own methods. */
  store: { ping: true, close: true },
} as const;

export type PortName = keyof typeof PORT_METHODS;

export interface StoreCall {
  readonly id: number;
  readonly port: PortName;
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface ErrorRecord {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly streamId?: string;
  readonly epoch?: number;
}

export type StoreReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ErrorRecord };

/** The first message of the store thread: opened, or why not. */
export type StoreThreadHello = { readonly ready: true } | { readonly ready: false; readonly error: ErrorRecord };

/** Options the store thread opens its store with (structured-cloned, so no functions: the clock is an offset). */
export interface StoreThreadOptions {
  readonly file: string;
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly groupCommitMs: number;
  /** Added to the thread's Date.now(): Parley's one clock (PARLEY_CLOCK_OFFSET_MS). */
  readonly clockOffsetMs: number;
  readonly purgeEveryMs?: number;
  readonly checkpointEveryMs?: number;
}

export function toErrorRecord(e: unknown): ErrorRecord {
  if (e instanceof StaleEpochError) return { name: e.name, message: e.message, streamId: e.streamId, epoch: e.epoch };
  if (e instanceof Error) return { name: e.name, message: e.message, code: (e as { code?: unknown }).code as string | undefined };
  return { name: 'Error', message: String(e) };
}

export function fromErrorRecord(r: ErrorRecord): Error {
  if (r.name === 'StaleEpochError' && r.streamId !== undefined && r.epoch !== undefined) return new StaleEpochError(r.streamId, r.epoch);
  if (r.name === 'BadCursorError') return new BadCursorError();
  const e = new Error(r.message);
  e.name = r.name;
  if (r.code !== undefined) Object.assign(e, { code: r.code });
  return e;
}
