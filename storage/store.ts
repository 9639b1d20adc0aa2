/**
 * Parley's storage ports, in domain verbs and split by aggregate. Every adapter (SQLite, Cassandra)
 * implements all of them and passes the contract suite in `test/contract/store-contract.ts`.
 *
 * Common contract: methods never return partial writes — a rejected call wrote nothing; values
 * handed in are not retained or mutated; times are Unix milliseconds.
 */
import type { GroupType, MemberRole } from '../src/im/groups/group-types.ts';

/** The group vocabulary is the domain's; adapters take it from here with the records that use it. */
export type { GroupType, MemberRole };

/** Ownership of a stream taken by an actor: the epoch it holds and the highest SEQ stored when it took it. */
export interface StreamClaim {
  readonly streamId: string;
  readonly epoch: number;
  readonly lastSeq: number;
  /**
   * Time of the newest entry stored when the claim was taken (0 = none, or unknown to the adapter
   * when `lastSeq` > 0 — then treat it as "recent"). Idempotency keys of earlier entries expire
   * within one window of it, so a writer need not look them up after that.
   */
  readonly lastTime?: number;
}

/** One stored entry of an append-only stream. */
export interface StoredEntry {
  readonly seq: number;
  readonly time: number;
  /** The entry itself as JSON text (a `protocol/entries.ts` Entry); the store does not interpret it. */
  readonly payload: string;
  /** Bit flags (8 = recalled); updated in place by `updateEntry`. */
  readonly flags: number;
  /** Unix ms after which the entry is gone; 0 = kept until deleted. */
  readonly expiresAt: number;
}

export interface AppendEntry extends StoredEntry {
  /**
   * Roaming index: an entry with a peer is found by `readConversation(streamId, peer, …)`
   * (a C2C message in one side's inbox, indexed by the other side).
   */
  readonly peer?: string;
  /** Idempotency key: `findIdempotent` maps it to this entry's SEQ until `idemExpiresAt`. */
  readonly idemKey?: string;
  /** At most `time` plus the writer's dedup window (writers rely on it to skip lookups of old keys). */
  readonly idemExpiresAt?: number;
}

/** Raised by `appendEntries` when the stream's epoch moved past the claim: another actor owns it now. */
export class StaleEpochError extends Error {
  constructor(readonly streamId: string, readonly epoch: number) {
    super(`stream ${streamId}: epoch ${epoch} is no longer the owner`);
    this.name = 'StaleEpochError';
  }
}

/** Raised by `AccountStore.searchAccounts` for a cursor it did not issue (a caller's mistake, not the store's). */
export class BadCursorError extends Error {
  constructor() {
    super('searchAccounts: malformed cursor');
    this.name = 'BadCursorError';
  }
}

/** A domain event recorded with its stream until published (the outbox, DESIGN §5). */
export interface PendingEvent {
  /** The event's id (stable: a republished event keeps it, so consumers dedupe). */
  readonly id: string;
  /** The event as JSON. */
  readonly payload: string;
}

export interface ConversationQuery {
  readonly streamId: string;
  readonly peer: string;
  /** Inclusive bounds, Unix ms. */
  readonly minTime: number;
  readonly maxTime: number;
  /** Continue below this position (exclusive), newest first. */
  readonly before?: { readonly time: number; readonly seq: number };
  readonly limit: number;
}

/**
 * One row of a stream's projection: state its owning actor derives from the stream's entries (an
 * inbox's conversation list, src/im/conversations), as JSON the store does not interpret.
 */
export interface ProjectionRow {
  readonly key: string;
  /** SEQ of the last entry folded into this row. */
  readonly seq: number;
  /** The row's state as JSON text; '' removes the row. */
  readonly state: string;
}

/** The projection rows one append changed, with the SEQ through which the stream is folded into the projection. */
export interface ProjectionWrite {
  readonly rows: readonly ProjectionRow[];
  readonly appliedSeq: number;
}

/** A stream's projection as stored: every row, and the SEQ through which entries were folded into it (0 = none). */
export interface Projection {
  readonly rows: ProjectionRow[];
  readonly appliedSeq: number;
}

export interface MessageLog {
  /**
   * Takes ownership of a stream: bumps its epoch with a conditional write, then reads the highest
   * stored SEQ (0 for a new stream). Any earlier claim's appends fail from then on.
   */
  claimStream(streamId: string): Promise<StreamClaim>;

  /**
   * Appends entries atomically, in the order given, if `claim.epoch` still owns the stream; rejects
   * with StaleEpochError otherwise. SEQs are chosen by the caller (the stream's single writer) and
   * must follow the highest stored SEQ without gaps. Adapters may batch concurrent calls into one
   * commit; each call still succeeds or fails as a whole.
   *
   * `projection` goes with the entries: in their transaction where the adapter has one (SQLite),
   * else right after them, atomically within the stream's projection and never if they failed
   * (Cassandra). So after a crash the stored `appliedSeq` may lag the entries, never lead them: the
   * owner folds the entries after it again when it loads the projection. A late projection write
   * of an earlier owner never overwrites a later one (rows are ordered by `appliedSeq`).
   */
  appendEntries(claim: StreamClaim, entries: readonly AppendEntry[], projection?: ProjectionWrite): Promise<void>;

  /** The stream's projection: its rows and the SEQ they are folded through. */
  readProjection(streamId: string): Promise<Projection>;

  /** Entries with SEQ > afterSeq, ascending, at most `limit`; expired entries are skipped. */
  readEntries(streamId: string, afterSeq: number, limit: number): Promise<StoredEntry[]>;

  /** Entries with SEQ < beforeSeq (exclusive), descending, at most `limit`; expired entries are skipped. */
  readEntriesBefore(streamId: string, beforeSeq: number, limit: number): Promise<StoredEntry[]>;

  /** The highest stored SEQ of each stream (0 when empty or unknown). */
  headSeqs(streamIds: readonly string[]): Promise<Map<string, number>>;

  /** SEQs recorded for those idempotency keys of the stream that are still within their window. */
  findIdempotent(streamId: string, keys: readonly string[]): Promise<Map<string, number>>;

  /** Replaces payload and/or flags of a stored entry; false if there is no such live entry. */
  updateEntry(streamId: string, seq: number, patch: { payload?: string; flags?: number }): Promise<boolean>;

  /** Roaming index: entries of `streamId` whose peer is `peer`, newest first (time, then SEQ). */
  readConversation(q: ConversationQuery): Promise<StoredEntry[]>;

  /**
   * Event emission bookkeeping (DESIGN §5): the highest SEQ whose event was published. A stream
   * whose emission may lag its head is in the backlog from its claim until `markEmitted` releases it.
   */
  emittedUpto(streamId: string): Promise<number>;
  /** Records that events up to `upto` were published (never moves back); `release` = the owner is done and caught up. */
  markEmitted(streamId: string, upto: number, release: boolean): Promise<void>;
  /** Streams whose events may not all be published (a crashed owner's, ones still owned, ones with pending events). */
  emissionBacklog(limit: number): Promise<string[]>;

  /**
   * The outbox of events that are not stream entries (group created, tips that take no SEQ, state
   * changes, imports): `addPending` records them durably under a stream and puts the stream in the
   * backlog, so whoever holds them after a crash, the stream's actor publishes them on its next
   * activation or backlog sweep. Adding an id again changes nothing.
   */
  addPending(streamId: string, events: readonly PendingEvent[]): Promise<void>;
  /** Pending events of a stream, at most `limit`, in no particular order. */
  readPending(streamId: string, limit: number): Promise<PendingEvent[]>;
  /** Forgets published events; absent ids are ignored. */
  removePending(streamId: string, ids: readonly string[]): Promise<void>;
  /**
   * Deletes the stream's entries with SEQ ≤ `throughSeq`, with their roaming-index and idempotency
   * rows; idempotent. Entries after `throughSeq` are never touched, so an owner passing a SEQ it
   * has stored cannot harm a later owner's writes. The stream's head stays: later appends continue
   * after it, so a SEQ is never reused. The stream's projection rows folded through `throughSeq`
   * or before are deleted too, and its `appliedSeq` becomes at least `throughSeq`.
   */
  dropEntries(streamId: string, throughSeq: number): Promise<void>;
}

export interface AccountRecord {
  readonly userId: string;
  readonly nick: string;
  readonly faceUrl: string;
  readonly createdAt: number;
  /** UserSigs signed (TLS.time, seconds) before this Unix second are revoked; 0 = none. */
  readonly sigNotBefore: number;
  /** Global mutes (setnospeaking): until when (Unix ms) the user may not send C2C / group messages; 0 = not muted. */
  readonly c2cMutedUntil: number;
  readonly groupMutedUntil: number;
}

export interface AccountStore {
  /**
   * Creates accounts that do not exist; for existing ones updates nick/faceUrl when given. `outbox`
   * is recorded with them: in the same transaction on SQLite; on Cassandra once every account is written.
   */
  importAccounts(accounts: readonly { userId: string; nick?: string; faceUrl?: string }[], now: number, outbox?: OutboxRecord): Promise<void>;
  /** The existing accounts among `userIds`. */
  getAccounts(userIds: readonly string[]): Promise<Map<string, AccountRecord>>;
  /** Revokes the user's UserSigs signed before `unixSeconds` (REST kick). */
  revokeSigsBefore(userId: string, unixSeconds: number): Promise<void>;
  /**
   * The Unix second before which UserSigs of `userId` are refused: its account's `sigNotBefore`,
   * or a deleted account's (see deleteAccount); 0 for an id never imported.
   */
  sigNotBefore(userId: string): Promise<number>;
  /**
   * Writes profile fields of an existing account: `nick` and `faceUrl` into its record, each of
   * `tags` replacing that tag's value and leaving the others (one row per tag, so concurrent writes
   * of different tags never lose each other). `outbox` is recorded with them: in the same
   * transaction on SQLite; on Cassandra once the fields are written.
   */
  setProfile(userId: string, change: ProfileChange, outbox?: OutboxRecord): Promise<void>;
  /** Sets an existing account's global mutes (until-times, Unix ms; 0 = none); nothing for an unknown id. */
  setNoSpeaking(userId: string, mutes: { readonly c2cUntil: number; readonly groupUntil: number }): Promise<void>;
  /** The profile tags stored for each of `userIds` that has any (nick and faceUrl are in AccountRecord). */
  getProfileTags(userIds: readonly string[]): Promise<Map<string, Map<string, ProfileTagValue>>>;
  /**
   * Accounts found by `q.keyword`: the account whose id is exactly the keyword (first page only),
   * then those whose nick's `nickSearchKey` begins with the keyword's, ordered by that key and then
   * by id, each account at most once. Pages follow `next` ('' = no more); an account created, renamed
   * or deleted meanwhile may or may not appear, but none appears twice.
   */
  searchAccounts(q: AccountSearchQuery): Promise<AccountSearchPage>;
  /**
   * Deletes an account with its profile tags and returns whether it existed. What remains of it is
   * the id's `sigNotBefore`, raised to `now` (Unix ms, as seconds): importing the id again makes a
   * new account (empty profile, no mutes) that UserSigs issued to the old one before its deletion
   * cannot open. Until then getAccounts and searchAccounts do not see it. `outbox` is recorded with
   * it: in the same transaction on SQLite; on Cassandra once it is deleted.
   */
  deleteAccount(userId: string, now: number, outbox?: OutboxRecord): Promise<boolean>;
}

export interface AccountSearchQuery {
  /** Non-empty. */
  readonly keyword: string;
  /** A previous page's `next`; '' = the first page. */
  readonly cursor: string;
  /** 1..100. */
  readonly limit: number;
}

export interface AccountSearchPage {
  readonly accounts: AccountRecord[];
  /** Opaque; '' = this was the last page. */
  readonly next: string;
}

/**
 * The form nicks are searched in: Unicode NFKC, lower case, so `Ｊｏｈｎ`, `JOHN` and `john` match
 * alike. Adapters index `nickSearchKey(nick)` and match keywords by `nickSearchKey(keyword)`.
 */
export const nickSearchKey = (s: string): string => s.normalize('NFKC').toLowerCase();

/** A profile tag's value as stored: a string, or an unsigned integer. */
export type ProfileTagValue = string | number;

/** A change of a user's profile (`AccountStore.setProfile`); absent fields stay. */
export interface ProfileChange {
  readonly nick?: string;
  readonly faceUrl?: string;
  /** Tags other than nick and face (e.g. Tag_Profile_IM_Gender, Tag_Profile_Custom_Hobby) → value. */
  readonly tags: ReadonlyMap<string, ProfileTagValue>;
}


export interface GroupRecord {
  readonly groupId: string;
  readonly type: GroupType;
  /** Empty string for an ownerless group. */
  readonly owner: string;
  readonly createdAt: number;
  /**
   * Name, introduction, notification, options and custom data as JSON text; interpreted by src/im,
   * except that `GroupStore.searchGroups` matches its top-level `name` string.
   */
  readonly profile: string;
}

export interface MemberRecord {
  readonly userId: string;
  readonly role: MemberRole;
  readonly joinedAt: number;
  /** The group SEQ when the member joined; what they may read starts after it (unless the type shows pre-join history). */
  readonly joinSeq: number;
  /** Name card, mute, message flag and custom data as JSON text; interpreted by src/im. */
  readonly profile: string;
}

export interface UserGroupRecord {
  readonly groupId: string;
  readonly type: GroupType;
  readonly joinSeq: number;
  readonly joinedAt: number;
}

/** Events recorded with the change they describe, under their stream: the outbox rows `MessageLog.readPending` returns. */
export interface OutboxRecord {
  readonly streamId: string;
  readonly events: readonly PendingEvent[];
}

/** Where an application to join a group stands: awaiting the owner or an admin, or decided by one. */
export type ApplicationState = 'pending' | 'accepted' | 'refused';

/**
 * A user's application to join a group that needs approval, or a member's invitation of a user into
 * a group whose invitations need approval (Tencent's group pendency): one per group and applicant
 * (the invitee, for an invitation) — applying or inviting again replaces it.
 */
export interface GroupApplicationRecord {
  readonly groupId: string;
  readonly groupType: GroupType;
  /** Who would join: the one who applied, or the invitee. */
  readonly applicant: string;
  /** The member who invited `applicant`; `""` for an application of the applicant's own. */
  readonly inviter: string;
  /** The sender's message (Tencent requestMsg). */
  readonly message: string;
  /** When it was (last) applied, Unix ms. */
  readonly time: number;
  readonly state: ApplicationState;
  /** Who accepted or refused it; `""` while pending. */
  readonly handler: string;
  /** The handler's message (Tencent handledMsg); `""` while pending. */
  readonly handledMessage: string;
  /** Unix ms; 0 while pending. */
  readonly handledAt: number;
}

/** How an application was decided (`GroupApplicationStore.decideApplication`). */
export interface ApplicationDecision {
  readonly state: 'accepted' | 'refused';
  readonly handler: string;
  readonly handledMessage: string;
  readonly handledAt: number;
  /** Unix ms until which the decided application stays listed (`applicationsFor`); after it, the store may drop it. */
  readonly keepUntil: number;
}

/** A page of the applications a user sees (`GroupApplicationStore.applicationsFor`). */
export interface ApplicationPage {
  /** Newest first (by `time`, then group id, then applicant). */
  readonly applications: readonly GroupApplicationRecord[];
  /** Applications the user sees in all. */
  readonly total: number;
  /** Pending applications the user did not send, made after the user's read marker. */
  readonly unread: number;
  /** The user's read marker, Unix ms (0 = never marked). */
  readonly readUpTo: number;
}

/**
 * Applications to join groups (and invitations awaiting approval), kept by group and applicant and
 * indexed by the users who see them: the managers (owner and admins) named when it was made, and its
 * sender (the applicant, or the inviter). Decided applications stay listed with their decision until
 * their `keepUntil`, or until the applicant applies (or is invited) again.
 */
export interface GroupApplicationStore {
  /**
   * Records an application (replacing any earlier one of that applicant to that group) and indexes
   * it for `audience` (its sender — the inviter, else the applicant — is indexed too); users indexed for the earlier one but not
   * named now are unindexed. SQLite: one transaction; Cassandra: the row and the index rows in one
   * logged batch.
   */
  putApplication(app: GroupApplicationRecord, audience: readonly string[]): Promise<void>;
  getApplication(groupId: string, applicant: string): Promise<GroupApplicationRecord | undefined>;
  /**
   * Decides a pending application; false (and nothing written) if there is none pending — decided
   * already, or never made. Conditional on the pending state (an LWT on Cassandra), so two deciders,
   * even two actors of one group, cannot both succeed.
   */
  decideApplication(groupId: string, applicant: string, decision: ApplicationDecision): Promise<boolean>;
  /**
   * A page of the applications `userId` sees at `now` (Unix ms: pending ones, and decided ones until
   * their `keepUntil`), newest first, skipping `offset`, at most `limit`, with the counts of
   * ApplicationPage. On Cassandra `unread` is counted from the index, which a crash between a
   * decision and its index update may leave showing the application pending; the records themselves
   * are read from the applications.
   */
  applicationsFor(userId: string, offset: number, limit: number, now: number): Promise<ApplicationPage>;
  /** Moves the user's read marker to `upTo` (Unix ms); never back. */
  markApplicationsRead(userId: string, upTo: number): Promise<void>;
}

export interface GroupStore extends GroupApplicationStore {
  /**
   * Creates the group with its initial members; false (and nothing written) if the id exists.
   * `outbox` is recorded only when the group is created: in the same transaction where the adapter
   * has one (SQLite); on Cassandra right after the conditional insert, with the members.
   */
  createGroup(group: GroupRecord, members: readonly MemberRecord[], outbox?: OutboxRecord): Promise<boolean>;
  getGroup(groupId: string): Promise<GroupRecord | undefined>;
  updateGroup(groupId: string, patch: { owner?: string; profile?: string }): Promise<void>;
  listMembers(groupId: string): Promise<MemberRecord[]>;
  getMember(groupId: string, userId: string): Promise<MemberRecord | undefined>;
  /** Inserts or replaces members (and their user→group rows). */
  putMembers(groupId: string, type: GroupType, members: readonly MemberRecord[]): Promise<void>;
  /** Removes members (and their user→group rows); absent ones are ignored. */
  removeMembers(groupId: string, userIds: readonly string[]): Promise<void>;
  /** Groups the user belongs to. */
  groupsOfUser(userId: string): Promise<UserGroupRecord[]>;
  /**
   * Removes the group: its record, every member row and every user→group row of it, atomically where the
   * adapter has transactions (SQLite); on Cassandra members first (in logged batches) and the group row
   * last (a conditional delete, which shares no batch), so a retried delete finishes the job. False if
   * there was no such group. Its message stream and its outbox rows are not touched: the stream
   * expires with its entries, and events pending under it are still published. `outbox` (the
   * dismissal's events) is recorded only when the group was removed: in the same transaction on
   * SQLite, right after the group row on Cassandra.
   */
  deleteGroup(groupId: string, outbox?: OutboxRecord): Promise<boolean>;
  /**
   * One page of the app's groups (Tencent get_appid_group_list), in a stable order: `limit` groups
   * after cursor `after` (0 = from the start), optionally of one type. (More only where an adapter cannot
   * cut between them: on Cassandra, groups whose tokens fall in one slot of 2^12, odds ~2^-52 a pair.) `next` is the cursor of the
   * following page, 0 when there is none; a cursor is a non-negative integer ≤ Number.MAX_SAFE_INTEGER
   * (Tencent's `Next` is a JSON number). Groups that exist for the whole listing are returned exactly
   * once across the pages, whatever is created or deleted meanwhile. `total` counts the app's groups of
   * that type (all types when omitted), unaffected by paging.
   */
  listGroups(q: GroupListQuery): Promise<GroupListPage>;
  /**
   * Groups of the given types whose name (the `name` string of their profile JSON, read at the time of
   * the search, so it cannot lag a rename) contains `text`, ASCII letters compared case-insensitively
   * (Tencent's legacy search_group). Ids in a stable order (creation order on SQLite, token order on
   * Cassandra), `limit` of them after the first `offset` matches; `total` counts every match. A legacy,
   * rate-limited admin search: adapters may scan the groups rather than keep a name index (Cassandra
   * scans at most `SEARCH_SCAN_LIMIT` groups).
   */
  searchGroups(q: GroupSearchQuery): Promise<GroupSearchPage>;
}

/** A `GroupStore.searchGroups` request: `text` non-empty, `offset` ≥ 0, `limit` ≥ 1. */
export interface GroupSearchQuery {
  readonly text: string;
  readonly types: readonly GroupType[];
  readonly offset: number;
  readonly limit: number;
}

/** A `GroupStore.searchGroups` answer: one page of matching ids and the number of all matches. */
export interface GroupSearchPage {
  readonly groupIds: readonly string[];
  readonly total: number;
}

/** How many groups a scanning adapter reads at most for one search; matches beyond it are not found. */
export const SEARCH_SCAN_LIMIT = 200_000;

/** A `GroupStore.listGroups` request: `limit` ≥ 1; `after` is 0 or a `next` the same store returned. */
export interface GroupListQuery {
  readonly type?: GroupType;
  readonly after: number;
  readonly limit: number;
}

/** A `GroupStore.listGroups` page. */
export interface GroupListPage {
  readonly groups: readonly { readonly groupId: string; readonly type: GroupType }[];
  readonly next: number;
  readonly total: number;
}

/** Chat types of chat-record files (Tencent `ChatType` of `open_msg_svc/get_history`). */
export type ArchiveChatType = 'C2C' | 'Group';

/** One finalized chat-record file: the messages of one chat type in one hour, as archived by one node. */
export interface ArchiveFileRecord {
  readonly chatType: ArchiveChatType;
  /** Start of the hour the file covers, Unix ms (UTC, a multiple of 3,600,000). */
  readonly hour: number;
  /** File name, unique in the cluster (it names the node that wrote it); served as `<baseUrl>/archive/<file>`. */
  readonly file: string;
  /** Base URL of the node that holds and serves the file, e.g. `http://10.0.0.5:2567`. */
  readonly baseUrl: string;
  /** Bytes and MD5 (lowercase hex) of the JSON text before gzip. */
  readonly fileSize: number;
  readonly fileMd5: string;
  /** Bytes and MD5 (lowercase hex) of the gzip file as served. */
  readonly gzipSize: number;
  readonly gzipMd5: string;
}

/**
 * The cluster-wide catalogue of chat-record files. Several nodes may record files for one hour
 * (each consumes some partitions of the event stream); `listFiles` returns all of them.
 */
export interface ArchiveCatalog {
  /** Records a file; recording the same (chatType, hour, file) again replaces the earlier record. */
  recordFile(file: ArchiveFileRecord): Promise<void>;
  /** Every recorded file of one chat type and hour, ordered by file name; empty when there is none. */
  listFiles(chatType: ArchiveChatType, hour: number): Promise<ArchiveFileRecord[]>;
  /** Forgets the files of hours starting before `time` (Unix ms), of every node; returns how many records went. */
  deleteBefore(time: number): Promise<number>;
}

// ---- the relationship chain (Tencent's sns: friends, friend requests, friend groups, blacklist) ----

/** One direction of a friendship: `owner`'s friend list holds `friend`. */
export interface FriendKey {
  readonly owner: string;
  readonly friend: string;
}

/** One direction of a friendship with the fields of `owner`'s side (Tencent's Tag_SNS_IM_* and Tag_SNS_Custom_*). */
export interface FriendRecord extends FriendKey {
  readonly remark: string;
  /** The owner's friend groups holding the friend. */
  readonly groups: readonly string[];
  readonly addSource: string;
  readonly addWording: string;
  /** When the friendship formed, Unix ms (Tag_SNS_IM_AddTime). */
  readonly addTime: number;
  /** Tag_SNS_Custom_* → value. */
  readonly custom: Readonly<Record<string, string | number>>;
}

/** A pending friend request: `from` asked to have `to` as a friend; what it carries becomes `from`'s side. */
export interface FriendRequestRecord {
  readonly from: string;
  readonly to: string;
  readonly addType: 'Add_Type_Single' | 'Add_Type_Both';
  readonly remark: string;
  /** `""` for none. */
  readonly groupName: string;
  readonly addSource: string;
  readonly addWording: string;
  /** When it was (last) made, Unix ms. */
  readonly time: number;
}

/** `owner` put `target` in their blacklist at `time` (Unix ms). */
export interface BlacklistRecord {
  readonly owner: string;
  readonly target: string;
  readonly time: number;
}

/**
 * A user's relationship-data versions (Tencent's StandardSequence and CustomSequence of friend_get,
 * CurrentSequence of friend groups, CurruentSequence of black_list_get): they only grow.
 */
export interface RelationSequences {
  readonly standard: number;
  readonly custom: number;
  readonly groups: number;
  readonly blacklist: number;
}

/** Writes of the relationship chain that belong together (`RelationStore.applyRelations`); absent lists change nothing. */
export interface RelationChange {
  /** Created or replaced, whole. */
  readonly putFriends?: readonly FriendRecord[];
  readonly removeFriends?: readonly FriendKey[];
  readonly putRequests?: readonly FriendRequestRecord[];
  readonly removeRequests?: readonly { readonly from: string; readonly to: string }[];
  readonly putBlacklist?: readonly BlacklistRecord[];
  readonly removeBlacklist?: readonly { readonly owner: string; readonly target: string }[];
  /** Each owner's friend group names become `names`, in that order. */
  readonly friendGroups?: readonly { readonly owner: string; readonly names: readonly string[] }[];
  /** Each owner's sequences become at least these (a part already higher stays). */
  readonly sequences?: readonly { readonly owner: string; readonly sequences: RelationSequences }[];
}

/**
 * The relationship chain: friendships one direction per row, pending requests by requester and by
 * peer, friend groups and blacklists per owner, and each owner's sequences. Checks read only the
 * rows they name (point reads and counts), never a whole list; lists are paged.
 */
export interface RelationStore {
  /**
   * Applies `change` at once: in one transaction on SQLite (with `outbox`); on Cassandra as logged
   * batches (every write lands, eventually; readers may see part of it meanwhile; a change too large
   * for one batch is atomic per batch), `outbox` recorded after them. A key both removed and put
   * by one change is put; a key put twice keeps its last put.
   */
  applyRelations(change: RelationChange, outbox?: OutboxRecord): Promise<void>;
  /** The friendships among `keys` that exist, keyed `${owner}\n${friend}`. */
  friendsAmong(keys: readonly FriendKey[]): Promise<Map<string, FriendRecord>>;
  /** How many friends `owner` has. */
  friendCount(owner: string): Promise<number>;
  /** `owner`'s friends ordered by friend id, skipping `offset`, at most `limit`. */
  listFriends(owner: string, offset: number, limit: number): Promise<FriendRecord[]>;
  /** The requests among `keys` that are pending, keyed `${from}\n${to}`. */
  requestsAmong(keys: readonly { readonly from: string; readonly to: string }[]): Promise<Map<string, FriendRequestRecord>>;
  /**
   * How many requests `user` has sent and has waiting, pending; `unread` = those received made
   * (`time`) after the user's read marker.
   */
  requestCounts(user: string): Promise<{ readonly sent: number; readonly received: number; readonly unread: number }>;
  /** Moves `user`'s read marker of received requests to `upTo` (Unix ms); it never moves back. */
  markRequestsRead(user: string, upTo: number): Promise<void>;
  /** `user`'s pending requests, sent and received, newest first, skipping `offset`, at most `limit`. */
  listRequests(user: string, offset: number, limit: number): Promise<FriendRequestRecord[]>;
  /** The blacklist entries among `keys` that exist, keyed `${owner}\n${target}`. */
  blacklistedAmong(keys: readonly { readonly owner: string; readonly target: string }[]): Promise<Map<string, BlacklistRecord>>;
  blacklistCount(owner: string): Promise<number>;
  /** `owner`'s blacklist ordered by target id, skipping `offset`, at most `limit`. */
  listBlacklist(owner: string, offset: number, limit: number): Promise<BlacklistRecord[]>;
  /** `owner`'s friend group names, in order (at most 32, so read whole). */
  friendGroups(owner: string): Promise<string[]>;
  /** `owner`'s sequences; all 0 for a user who never had relationship data. */
  relationSequences(owner: string): Promise<RelationSequences>;
}

/** The key of a pair in the maps RelationStore returns. */
export const pairKey = (a: string, b: string): string => `${a}\n${b}`;

/** One member's read receipt of one group message (Tencent's group message read receipts). */
export interface ReceiptRecord {
  readonly seq: number;
  readonly userId: string;
  /** When it was read, Unix ms. */
  readonly time: number;
}

/**
 * Who read which group message sent with IsNeedReadReceipt, by group and message SEQ (one
 * partition per message on Cassandra, so a busy group never grows one). A receipt recorded again
 * is one receipt (its time may move). Receipts expire `ttlS` after they are written, like the
 * messages they are about (Cassandra TTL; SQLite's periodic purge); a re-created group id continues
 * its stream's SEQs, so old receipts never name its messages.
 */
export interface ReceiptStore {
  addReceipts(groupId: string, receipts: readonly ReceiptRecord[], ttlS: number): Promise<void>;
  /** The receipts of the messages asked, by SEQ then user id. */
  receiptsOf(groupId: string, seqs: readonly number[]): Promise<ReceiptRecord[]>;
}

/** One device's offline-push registration (issue 16's device registry). */
export interface PushDeviceRecord {
  readonly userId: string;
  /** The device's id, chosen by the client (stable across its logins). */
  readonly deviceId: string;
  /** The platform it logged in as (`iOS`, `Android`, `Web`, …). */
  readonly platform: string;
  readonly provider: 'apns' | 'fcm' | 'webpush';
  /** The provider's address of the device as JSON: `{token, bundleId, environment}` / `{token}` / `{endpoint, keys}`. */
  readonly target: string;
  /** Its push settings as JSON (enabled, sound, quiet hours, do-not-disturb). */
  readonly settings: string;
  readonly registeredAt: number;
  /** When the device was last connected (its last session's end, or now while it is connected), Unix ms. */
  readonly lastActiveAt: number;
}

/**
 * Offline-push registrations by user and device. A device registers again on every login (its
 * provider address may have changed), replacing its record; logging out removes it.
 */
export interface PushDeviceStore {
  putDevice(d: PushDeviceRecord): Promise<void>;
  /** False when there was none. */
  removeDevice(userId: string, deviceId: string): Promise<boolean>;
  /** Moves a device's lastActiveAt (a device not registered is left alone). */
  touchDevice(userId: string, deviceId: string, lastActiveAt: number): Promise<void>;
  /** The devices of each user asked, by user id then device id. */
  devicesOf(userIds: readonly string[]): Promise<PushDeviceRecord[]>;
  /**
   * The users with devices in shard `shard` of PUSH_SHARDS (src/im/broadcast/shards.ts; which
   * users a shard holds is the adapter's choice, the shards together hold each user once), a page
   * of at most `limit` after `cursor` ('' = the first page), in the adapter's order; `next`
   * continues ('' = no more). For jobs that reach everyone's devices (im_push), a shard each.
   */
  deviceOwners(shard: number, cursor: string, limit: number): Promise<{ userIds: string[]; next: string }>;
}

/** One user's subscription to another's online status (Tencent's subscribeUserStatus). */
export interface StatusSubscription {
  readonly target: string;
  /** When it was made (or last renewed), Unix ms: the oldest give way past the per-user limit. */
  readonly time: number;
}

/**
 * Who follows whose online status, beyond mutual friends: read both ways — a user's own
 * subscriptions (to list, renew, evict) and a user's subscribers (to tell on a change).
 */
export interface StatusSubscriptionStore {
  /** Adds subscriber's subscriptions to targets, or renews their time. */
  subscribe(subscriber: string, targets: readonly string[], time: number): Promise<void>;
  unsubscribe(subscriber: string, targets: readonly string[]): Promise<void>;
  /** A subscriber's subscriptions, oldest first (ties by target). */
  subscriptionsOf(subscriber: string): Promise<StatusSubscription[]>;
  /** Everyone subscribed to target, by user id. */
  subscribersOf(target: string): Promise<string[]>;
}

/** One user's push attributes, by attribute slot ("0"–"9"). */
export interface UserAttrs {
  readonly userId: string;
  readonly attrs: Readonly<Record<string, string>>;
}

/** Tags of one user. */
export interface UserTags {
  readonly userId: string;
  readonly tags: readonly string[];
}

/**
 * How far one all-member push (im_push task) has got, as its delivery job records it: `running`
 * from its start, `done` once every targeted user had it. The counts are of the users reached so far.
 */
export interface PushTaskProgress {
  readonly state: 'running' | 'done';
  /** Unix ms. */
  readonly startedAt: number;
  readonly finishedAt?: number;
  /** Online users the job checks against the condition, and how many it has checked. */
  readonly candidates: number;
  readonly checked: number;
  /** Targeted users found online (and handed the message live). */
  readonly online: number;
  /** The online users were all handed it: a job run again after a crash goes on with offline push. */
  readonly liveDone?: boolean;
  /** Offline-push notifications queued so far (one per device). */
  readonly pushed?: number;
  /** A shard's row: where its walk over the targeted users for offline push stands (the next page's position). */
  readonly walk?: { readonly source: number; readonly after: string };
  /** The offline walk was split into this many shards, each with its progress under `<taskId>#<shard>`. */
  readonly shards?: number;
}

/**
 * The audience of all-member push (Tencent's all_member_push, spec §3.7): the app's attribute names
 * by slot, each user's attribute values by slot (a renamed slot keeps its values) and each user's
 * tags, kept so that the users holding a tag or an attribute value are found through an index, never
 * by reading every user; and the progress of push tasks.
 */
export interface PushTargetStore {
  /** The app's attribute names, by slot. */
  attrNames(): Promise<Map<string, string>>;
  /** Sets the names of the slots given; other slots keep theirs. */
  setAttrNames(names: ReadonlyMap<string, string>): Promise<void>;
  /** Sets the values of the slots given, per user; other slots keep theirs. */
  setAttrs(items: readonly UserAttrs[]): Promise<void>;
  /** The attributes of each user asked that has any, by user id. */
  attrsOf(userIds: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /** Removes the slots named, per user (missing ones are no error). */
  removeAttrs(items: readonly { readonly userId: string; readonly slots: readonly string[] }[]): Promise<void>;
  /** Adds tags to each user (tags held already are no error). */
  addTags(items: readonly UserTags[]): Promise<void>;
  /** The tags of each user asked that has any, by user id, each user's in ascending order. */
  tagsOf(userIds: readonly string[]): Promise<Map<string, string[]>>;
  removeTags(items: readonly UserTags[]): Promise<void>;
  removeAllTags(userIds: readonly string[]): Promise<void>;
  /** Users of shard `shard` (`shardOf`, src/im/broadcast/shards.ts) holding `tag`, ascending by id, after `after` (exclusive; '' = from the first), at most `limit`. */
  usersWithTag(tag: string, shard: number, after: string, limit: number): Promise<string[]>;
  /** Users of shard `shard` whose slot `slot` holds `value`, ascending by id, after `after`, at most `limit`. */
  usersWithAttr(slot: string, value: string, shard: number, after: string, limit: number): Promise<string[]>;
  /** Records a task's progress, replacing what was recorded; kept at least 30 days from `now` (Unix ms). */
  putTaskProgress(taskId: string, progress: PushTaskProgress, now: number): Promise<void>;
  /** The task's progress as last recorded; undefined before its job started (or once no longer kept). */
  taskProgress(taskId: string): Promise<PushTaskProgress | undefined>;
}

/** The whole store an adapter provides. */
export interface Store {
  readonly messages: MessageLog;
  readonly accounts: AccountStore;
  readonly groups: GroupStore;
  readonly relations: RelationStore;
  readonly receipts: ReceiptStore;
  readonly pushDevices: PushDeviceStore;
  readonly statusSubscriptions: StatusSubscriptionStore;
  readonly pushTargets: PushTargetStore;
  readonly archive: ArchiveCatalog;
  /** A readiness probe for /health: resolves when the back end answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
