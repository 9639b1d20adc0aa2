/**
 * The Parley client SDK over `@colyseus/sdk`: log in with a UserSig, send C2C and group messages,
 * and receive every entry of the user's streams exactly once and in order per stream. Gaps are
 * pulled automatically; a dropped connection resumes the session (or logs in again through
 * `/connect`) and syncs from the cursors. Requests made while reconnecting wait for the
 * connection; sends are idempotent (the SDK picks `random` once per message and reuses it on retry).
 */
import '../shims/node-websocket.ts';
import { Client, type Room } from '@colyseus/sdk';
import { randomInt } from 'node:crypto';
import { CloseCode, closeAction } from '../protocol/close-codes.ts';
import {
  type CreateGroupArgs,
  type CreateGroupResult,
  type GroupMembersArgs,
  type GroupMembersResult,
  type GroupView,
  type GroupsResult,
  type InviteResult,
  type JoinGroupResult,
  type ModifyGroupArgs,
  type ModifyGroupMemberArgs,
  type MutedResult,
  type OpRequest,
  type RecallInGroupResult,
  type OpTypes,
  Op,
  REQUEST,
  type Platform,
  type SendC2CArgs,
  type SendC2CResult,
  type UserStatusResult,
  type ConversationsResult,
  type UnreadCountsResult,
  type ContactsResult,
  type ContactGroupChanged,
  type ContactGroupView,
  type ContactResultView,
  type MarkConversationsArgs,
  type GroupReceiptsResult,
  type GroupReceiptMembersResult,
  type PushConfigView,
  type PushDeviceView,
  type RegisterPushArgs,
  type SendGroupArgs,
  type SendGroupResult,
  ServerMessage,
  type StreamPage,
} from '../protocol/client-ops.ts';
import type { MsgElem, StreamEvent } from '../protocol/entries.ts';
import { type WireError, errors } from '../protocol/errors.ts';
import { isValidGroupId, isValidUserId } from '../protocol/ids.ts';
import { BROADCAST_STREAM, groupStream, inboxStream } from '../protocol/streams.ts';
import { StreamTracker } from './stream-tracker.ts';

export interface ParleyClientOptions {
  /** Base URL of any Parley node, e.g. `http://127.0.0.1:2567`. */
  readonly endpoint: string;
  /** Further nodes to log in through when `endpoint` does not answer (a cluster without a load balancer). */
  readonly fallbackEndpoints?: readonly string[];
  readonly userId: string;
  readonly userSig: string;
  readonly platform?: Platform;
  /** Cursors kept by the app from an earlier session (stream id → last SEQ seen). */
  readonly cursors?: Readonly<Record<string, number>>;
  /** Per request, ms; a request unanswered this long moves the session to another node. */
  readonly requestTimeoutMs?: number;
  /** Per `/connect` attempt, ms (a node may need a few seconds to fail over a crashed peer's actors). */
  readonly connectTimeoutMs?: number;
  /** Entries per sync page. */
  readonly pageSize?: number;
  /** Receives events from the first sync on (same as calling `onEvent` before login). */
  readonly onEvent?: (event: StreamEvent) => void;
}

/** A request the server refused, with Tencent's code. */
export class ParleyError extends Error {
  constructor(readonly code: number, readonly info: string) {
    super(`${code}: ${info}`);
    this.name = 'ParleyError';
  }
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

type Listener<T> = (value: T) => void;

const RELOGIN_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];
/** After the server closed the session for flooding (SlowDown), the pause before logging in again. */
const SLOW_DOWN_MS = 5000;

const slowedDown = (): ParleyError => new ParleyError(errors.ClientRateLimited.code, 'the server closed this session for flooding; slow down');
/** Longest close() waits for the server to confirm a consented leave. */
const LEAVE_TIMEOUT_MS = 2000;

/** Drops a room's socket at once, as a network failure would, without telling the server. */
function terminate(room: Room): void {
  (room.connection as unknown as { transport?: { ws?: { terminate?(): void } } } | undefined)?.transport?.ws?.terminate?.();
}

/**
 * Leaves a room for good: no more reconnection attempts, a consented leave when its socket is open
 * (bounded: a leave sent on a dead socket is never confirmed), else the socket is dropped.
 */
async function leaveForGood(room: Room): Promise<void> {
  room.reconnection.maxRetries = 0;
  if (room.connection.isOpen) {
    let timer: NodeJS.Timeout | undefined;
    const left = await Promise.race([
      room.leave(true).then(() => true, () => false),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), LEAVE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (left) return;
  }
  terminate(room);
}

export class ParleyClient {
  readonly #o: ParleyClientOptions;
  readonly #endpoints: readonly string[];
  /** Index of the endpoint that answered last. */
  #endpointAt = 0;
  #room: Room | undefined;
  #state: ConnectionState = 'connecting';
  #closeCode = 0;
  readonly #trackers = new Map<string, StreamTracker>();
  readonly #pulling = new Map<string, Promise<void>>();
  readonly #eventListeners = new Set<Listener<StreamEvent>>();
  readonly #stateListeners = new Set<Listener<ConnectionState>>();
  #connectedWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** Until this Unix ms the server has asked this device to slow down (SlowDown): calls cut off by it are not retried. */
  #slowDownUntil = 0;
  #relogging = false;
  /** AVChatRooms joined in this session, joined again after each reconnect; bounded by what the app joins. */
  readonly #audiences = new Set<string>();

  private constructor(o: ParleyClientOptions) {
    this.#o = o;
    this.#endpoints = [o.endpoint, ...(o.fallbackEndpoints ?? [])];
  }

  /** Logs in, joins the inbox and syncs everything missed since the given cursors. */
  static async login(o: ParleyClientOptions): Promise<ParleyClient> {
    const c = new ParleyClient(o);
    if (o.onEvent) c.onEvent(o.onEvent);
    for (const [stream, cursor] of Object.entries(o.cursors ?? {})) c.#tracker(stream, cursor);
    await c.#connect();
    await c.sync();
    return c;
  }

  get #timeoutMs(): number {
    return this.#o.requestTimeoutMs ?? 15_000;
  }

  get userId(): string {
    return this.#o.userId;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The close code that ended the session, once `state` is 'closed'. */
  get closeCode(): number {
    return this.#closeCode;
  }

  /** Each stored entry once, in SEQ order per stream; online-only entries (seq 0) as they come. */
  onEvent(listener: Listener<StreamEvent>): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onState(listener: Listener<ConnectionState>): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Last SEQ delivered per stream, for the app to keep. */
  cursors(): Record<string, number> {
    return Object.fromEntries([...this.#trackers.values()].map((t) => [t.stream, t.cursor]));
  }

  sendC2C(to: string, body: readonly MsgElem[], opts: Omit<SendC2CArgs, 'to' | 'body'> = {}): Promise<SendC2CResult> {
    // Checked here too: the wire's UTF-8 would turn an ill-formed id into a look-alike before the server saw it.
    if (!isValidUserId(to)) return Promise.reject(new ParleyError(errors.ClientBadRequest.code, `to: ${JSON.stringify(to)} is not a UserID (1 to 32 bytes of well-formed text)`));
    return this.call(Op.SendC2C, { ...opts, to, body: [...body], random: opts.random ?? randomInt(0, 0xffffffff) }).then((r) => {
      // This device's own copy comes with the answer, not as a push: it joins the inbox stream here,
      // in SEQ order like any entry (a gap before it is pulled as for a push).
      if (r.entry) this.#onLive({ stream: inboxStream(this.#o.userId), seq: r.seq, entry: r.entry });
      return r;
    });
  }

  /** Whether users are online now (getUserStatus); with PARLEY_FRIEND_STATUS_PUSH, friends' changes also arrive as `status` entries. */
  userStatus(userIds: readonly string[]): Promise<UserStatusResult> {
    return this.call(Op.UserStatus, { userIds: [...userIds] });
  }

  /** Follows users' status (subscribeUserStatus): their changes arrive as `status` entries; answers their statuses now. */
  subscribeStatus(userIds: readonly string[]): Promise<UserStatusResult> {
    return this.call(Op.SubscribeStatus, { userIds: [...userIds] });
  }

  /** Stops following those users' status, or everyone's without an argument. */
  unsubscribeStatus(userIds?: readonly string[]): Promise<void> {
    return this.call(Op.UnsubscribeStatus, userIds ? { userIds: [...userIds] } : {});
  }

  /** Deletes this user's own copies of messages with `peer` (the peer keeps theirs). */
  deleteC2C(peer: string, msgKeys: readonly string[]): Promise<void> {
    return this.call(Op.DeleteC2C, { peer, msgKeys: [...msgKeys] });
  }

  /** Recalls a message this user sent to `to` (its `msgKey` from sendC2C), within the recall window. */
  recallC2C(to: string, msgKey: string): Promise<void> {
    return this.call(Op.RecallC2C, { to, msgKey });
  }

  // ---- conversations: the list, read reports (they reach this user's other devices, and in C2C the peer), pins --

  /** The conversation list, pinned first; with `since` (an earlier answer's cursor) the C2C ones changed after it, and every group's. */
  conversations(since?: number): Promise<ConversationsResult> {
    return this.call(Op.Conversations, since === undefined ? {} : { since });
  }

  /** Marks a conversation (`c2c_<userId>` / `group_<groupId>`) read to its end. */
  markRead(conversationId: string): Promise<void> {
    return this.call(Op.ReadConversation, { conversationId });
  }

  pinConversation(conversationId: string, pinned: boolean): Promise<void> {
    return this.call(Op.PinConversation, { conversationId, pinned });
  }

  /** Deletes a conversation from the list; `clearHistory` also deletes this user's copies of its C2C messages. */
  deleteConversation(conversationId: string, clearHistory = false): Promise<void> {
    return this.call(Op.DeleteConversation, { conversationId, clearHistory });
  }

  /** Unread messages in all, of C2C and of groups, and per peer for `peers` (at most 10). */
  unreadCounts(peers?: readonly string[]): Promise<UnreadCountsResult> {
    return this.call(Op.UnreadCounts, peers ? { peers: [...peers] } : {});
  }

  // ---- conversation groups and marks (they reach this user's other devices as `contact` entries) --

  /** The conversation groups and every marked or grouped conversation. */
  contacts(): Promise<ContactsResult> {
    return this.call(Op.Contacts, {});
  }

  createContactGroup(name: string, conversationIds: readonly string[] = []): Promise<ContactGroupChanged> {
    return this.call(Op.CreateContactGroup, { name, conversationIds: [...conversationIds] });
  }

  /** Deletes conversation groups; their conversations stay, in no group. */
  deleteContactGroups(names: readonly string[]): Promise<{ readonly groups: readonly ContactGroupView[] }> {
    return this.call(Op.DeleteContactGroups, { names: [...names] });
  }

  renameContactGroup(name: string, newName: string): Promise<ContactGroupView> {
    return this.call(Op.RenameContactGroup, { name, newName });
  }

  /** Puts conversations into the group named and takes others out. */
  groupConversations(name: string, change: { readonly add?: readonly string[]; readonly remove?: readonly string[] }): Promise<ContactGroupChanged> {
    return this.call(Op.ContactGroupConversations, { name, ...(change.add ? { add: [...change.add] } : {}), ...(change.remove ? { remove: [...change.remove] } : {}) });
  }

  /** Sets and clears standard mark bits, and sets custom marks, of up to 100 conversations. */
  markConversations(items: MarkConversationsArgs['items']): Promise<{ readonly results: readonly ContactResultView[] }> {
    return this.call(Op.MarkConversations, { items });
  }

  // ---- offline push --

  /** Registers this device for offline push (again on every login: tokens change); it replaces the device's earlier registration. */
  registerPush(registration: RegisterPushArgs): Promise<PushDeviceView> {
    return this.call(Op.RegisterPush, registration);
  }

  /** Removes this device's registration (on logout): it gets no more pushes and is no longer PushOnline. */
  unregisterPush(deviceId: string): Promise<{ readonly removed: boolean }> {
    return this.call(Op.UnregisterPush, { deviceId });
  }

  /** This user's registered devices. */
  pushDevices(): Promise<{ readonly devices: readonly PushDeviceView[] }> {
    return this.call(Op.PushDevices, {});
  }

  /** The providers the server pushes through, and the VAPID key a browser subscribes with. */
  pushConfig(): Promise<PushConfigView> {
    return this.call(Op.PushConfig, {});
  }

  // ---- read receipts --

  /** Tells `peer` this user read messages it sent with `needReadReceipt` (by MsgKey). */
  readC2CReceipts(peer: string, msgKeys: readonly string[]): Promise<void> {
    return this.call(Op.ReadC2CReceipts, { peer, msgKeys: [...msgKeys] });
  }

  /** Reports reading messages of a group sent with `needReadReceipt` (their senders are told). */
  readGroupReceipts(groupId: string, seqs: readonly number[]): Promise<void> {
    return this.call(Op.ReadGroupReceipts, { groupId, seqs: [...seqs] });
  }

  /** Read and unread counts of this user's messages in a group. */
  groupReceipts(groupId: string, seqs: readonly number[]): Promise<GroupReceiptsResult> {
    return this.call(Op.GroupReceipts, { groupId, seqs: [...seqs] });
  }

  /** Who read one of this user's messages, or (`unread`) has not yet. */
  groupReceiptMembers(groupId: string, seq: number, opts: { readonly unread?: boolean; readonly cursor?: string; readonly count?: number } = {}): Promise<GroupReceiptMembersResult> {
    return this.call(Op.GroupReceiptMembers, { groupId, seq, ...opts });
  }

  sendGroup(groupId: string, body: readonly MsgElem[], opts: Omit<SendGroupArgs, 'groupId' | 'body'> = {}): Promise<SendGroupResult> {
    if (!isValidGroupId(groupId)) return Promise.reject(new ParleyError(errors.GroupIdInvalid.code, `groupId: ${JSON.stringify(groupId)} is not a group id (1 to 48 bytes of printable ASCII)`));
    return this.call(Op.SendGroup, { ...opts, groupId, body: [...body], random: opts.random ?? randomInt(0, 0xffffffff) });
  }

  groups(): Promise<GroupsResult> {
    return this.call(Op.Groups, {});
  }

  // ---- group management: as a Tencent client SDK offers it; who may do what is the server's rule --

  /**
   * Creates a group owned by this user, with `members` added. Not idempotent when the server picks
   * the id: if the answer is lost and the request retried, a second group may be made; with
   * `groupId` given, the retry answers 10025 (already yours).
   */
  createGroup(args: CreateGroupArgs): Promise<CreateGroupResult> {
    return this.#groupOp(Op.CreateGroup, args, args.groupId, args.members?.map((m) => m.userId));
  }

  /** Adds members directly (Work and Community: any member; other types: the owner or an admin). */
  inviteToGroup(groupId: string, userIds: readonly string[]): Promise<InviteResult> {
    return this.#groupOp(Op.InviteToGroup, { groupId, userIds: [...userIds] }, groupId, userIds);
  }

  /** Removes members (the owner anyone, admins plain members); `reason` is shown with the removal tip. */
  kickFromGroup(groupId: string, userIds: readonly string[], reason?: string): Promise<void> {
    return this.#groupOp(Op.KickFromGroup, { groupId, userIds: [...userIds], reason }, groupId, userIds);
  }

  /**
   * Leaves the group. The owner may only leave a Work group (which becomes ownerless), else 10009.
   * From an AVChatRoom: leaves its audience, and it is not joined again after a reconnect.
   */
  async quitGroup(groupId: string): Promise<void> {
    try {
      await this.#groupOp(Op.QuitGroup, { groupId }, groupId);
    } finally {
      this.#audiences.delete(groupId);
    }
  }

  /**
   * Joins a group that takes members without approval; where approval is needed (a NeedPermission
   * Public group) it applies instead and answers `pending: true` (to apply with a message, see
   * group-applications.ts); 10007 where joining is closed. An AVChatRoom is joined as its live audience (`audience: true`), for as long as this
   * session is online: the SDK joins it again by itself after every reconnect or new login, since the
   * server forgets audiences when the user goes offline or the group's actor restarts.
   */
  async joinGroup(groupId: string): Promise<JoinGroupResult> {
    const result = await this.#groupOp(Op.JoinGroup, { groupId }, groupId);
    if (result.audience) this.#audiences.add(groupId);
    return result;
  }

  /** The AVChatRooms this session joined (and will join again after reconnecting). */
  audienceGroups(): string[] {
    return [...this.#audiences];
  }

  /** The group's profile and member count (all of it for members, the public part for others). */
  groupInfo(groupId: string): Promise<GroupView> {
    return this.#groupOp(Op.GroupInfo, { groupId }, groupId);
  }

  /** Changes the group's profile fields given. */
  modifyGroup(groupId: string, changes: Omit<ModifyGroupArgs, 'groupId'>): Promise<void> {
    return this.#groupOp(Op.ModifyGroup, { ...changes, groupId }, groupId);
  }

  /** Changes a member's fields: one's own name card, message flag, custom data; others' by role. */
  modifyGroupMember(groupId: string, userId: string, changes: Omit<ModifyGroupMemberArgs, 'groupId' | 'userId'>): Promise<void> {
    return this.#groupOp(Op.ModifyGroupMember, { ...changes, groupId, userId }, groupId, [userId]);
  }

  /** Mutes members for `seconds` (0 unmutes). */
  muteInGroup(groupId: string, userIds: readonly string[], seconds: number): Promise<void> {
    return this.#groupOp(Op.MuteInGroup, { groupId, userIds: [...userIds], seconds }, groupId, userIds);
  }

  /** The accounts muted in the group now. */
  groupMuted(groupId: string): Promise<MutedResult> {
    return this.#groupOp(Op.GroupMuted, { groupId }, groupId);
  }

  /** A page of members (the owner first); ask again with `offset: next` until `next` is 0. */
  groupMembers(groupId: string, opts: Omit<GroupMembersArgs, 'groupId'> = {}): Promise<GroupMembersResult> {
    return this.#groupOp(Op.GroupMembers, { ...opts, groupId }, groupId);
  }

  /** Hands the group to another member; this user stays as a plain member. */
  transferGroup(groupId: string, newOwner: string): Promise<void> {
    return this.#groupOp(Op.TransferGroup, { groupId, newOwner }, groupId, [newOwner]);
  }

  /** Dismisses the group (its owner; a Work group only by an App admin). */
  dismissGroup(groupId: string): Promise<void> {
    return this.#groupOp(Op.DismissGroup, { groupId }, groupId);
  }

  /** Recalls messages by SEQ; each gets its own code (0 recalled). Members then see a 'recall' tip. */
  recallInGroup(groupId: string, seqs: readonly number[]): Promise<RecallInGroupResult> {
    return this.#groupOp(Op.RecallInGroup, { groupId, seqs: [...seqs] }, groupId);
  }

  /** A group op after the ids it names are checked here: the wire's UTF-8 would turn an ill-formed id into a look-alike. */
  #groupOp<K extends keyof OpTypes>(op: K, args: OpTypes[K]['args'], groupId: string | undefined, userIds: readonly string[] = []): Promise<OpTypes[K]['result']> {
    if (groupId !== undefined && !isValidGroupId(groupId)) {
      return Promise.reject(new ParleyError(errors.GroupIdInvalid.code, `groupId: ${JSON.stringify(groupId)} is not a group id (1 to 48 bytes of printable ASCII)`));
    }
    const bad = userIds.find((id) => !isValidUserId(id));
    if (bad !== undefined) return Promise.reject(new ParleyError(errors.ClientBadRequest.code, `${JSON.stringify(bad)} is not a UserID (1 to 32 bytes of well-formed text)`));
    return this.call(op, args);
  }

  /**
   * A request/response operation. Waits while reconnecting and retries when the connection drops
   * before the answer (safe: sends carry their `random`). Rejects with ParleyError when refused.
   */
  async call<K extends keyof OpTypes>(op: K, args: OpTypes[K]['args']): Promise<OpTypes[K]['result']> {
    for (;;) {
      const room = await this.#connected();
      try {
        const request: OpRequest = { op, args };
        return (await room.request(REQUEST, request, { timeout: this.#timeoutMs })) as OpTypes[K]['result'];
      } catch (e) {
        const err = e as Error & { name?: string; reason?: WireError };
        if (err.name === 'rejected' && err.reason) throw new ParleyError(err.reason.code, err.reason.info);
        if (Date.now() < this.#slowDownUntil) throw slowedDown();
        if (this.#state === 'closed') throw e;
        // No answer on an open socket: the node is stuck or gone. Move to another and retry (sends are idempotent).
        if (/timed out/.test(err.message)) this.#abandon(room);
        else if (room === this.#room && room.connection.isOpen) throw e;
        // The socket is closing but its close event has not run yet: wait for onDrop/onLeave to settle
        // the session. Retrying at once would spin in microtasks and starve that very event.
        else if (room === this.#room) this.#setState('reconnecting');
      }
    }
  }

  /** Pulls everything missed in the inbox, in every joined group, and the broadcasts (im_push) meant for this user. */
  async sync(): Promise<void> {
    await this.#pull(inboxStream(this.#o.userId));
    await this.#pull(BROADCAST_STREAM);
    const { groups } = await this.groups();
    await Promise.all(
      groups.map((g) => {
        const t = this.#tracker(groupStream(g.groupId), 0);
        t.noteHead(g.head);
        return t.behind ? this.#pull(t.stream) : undefined;
      }),
    );
  }

  async close(): Promise<void> {
    this.#setState('closed');
    this.#rejectWaiters(new Error('client closed'));
    const room = this.#room;
    this.#room = undefined;
    if (room) await leaveForGood(room);
  }

  /** For tests and tools: drops the socket as a network failure would, without telling the server. */
  dropConnection(): void {
    if (this.#room) terminate(this.#room);
  }

  /** For tests and tools: the device vanishes (a dead network, a killed app): its socket drops without a word and it never comes back. */
  vanish(): void {
    this.#setState('closed');
    this.#rejectWaiters(new Error('client closed'));
    const room = this.#room;
    this.#room = undefined;
    if (!room) return;
    room.reconnection.maxRetries = 0;
    terminate(room);
  }

  // ---- connection ------------------------------------------------------------------------------

  /** Asks each endpoint in turn (starting with the last that answered) for a seat in the inbox. */
  async #reserve(): Promise<{ endpoint: string; reservation: unknown }> {
    let lastError: unknown;
    for (let i = 0; i < this.#endpoints.length; i++) {
      const at = (this.#endpointAt + i) % this.#endpoints.length;
      const endpoint = this.#endpoints[at];
      let body: { ErrorCode: number; ErrorInfo: string; SeatReservation?: unknown };
      try {
        const res = await fetch(`${endpoint}/connect`, {
          signal: AbortSignal.timeout(this.#o.connectTimeoutMs ?? 5000),
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ UserID: this.#o.userId, UserSig: this.#o.userSig, Platform: this.#o.platform }),
        });
        body = (await res.json()) as typeof body;
      } catch (e) {
        lastError = e; // this node does not answer: try the next one
        continue;
      }
      if (body.ErrorCode !== 0 || !body.SeatReservation) throw new ParleyError(body.ErrorCode, body.ErrorInfo);
      this.#endpointAt = at;
      return { endpoint, reservation: body.SeatReservation };
    }
    throw lastError instanceof Error ? lastError : new Error('no endpoint answered');
  }

  async #connect(): Promise<void> {
    const { endpoint, reservation } = await this.#reserve();
    const room = await new Client(endpoint).consumeSeatReservation(reservation as Parameters<Client['consumeSeatReservation']>[0]);
    // Resume the session for a short while; if its node is gone, log in again through /connect.
    room.reconnection.minUptime = 0;
    room.reconnection.maxRetries = 3;
    room.reconnection.minDelay = 100;
    room.reconnection.maxDelay = 500;
    room.onMessage(ServerMessage.Event, (ev: StreamEvent) => this.#onLive(ev));
    room.onDrop(() => room === this.#room && this.#setState('reconnecting'));
    room.onReconnect(() => {
      // A room given up on (closed, or abandoned as stuck) that got its session back anyway: leave it.
      if (room !== this.#room) return void leaveForGood(room);
      this.#setState('connected');
      void this.#rejoinAudiences();
      void this.sync().catch(() => undefined);
    });
    room.onLeave((code: number) => void this.#onLeave(room, code));
    this.#room = room;
    this.#setState('connected');
  }

  async #onLeave(room: Room, code: number): Promise<void> {
    if (room !== this.#room || this.#state === 'closed') return;
    const action = closeAction(code);
    if (action !== 'reconnect') {
      this.#closeCode = code;
      this.#setState('closed');
      this.#rejectWaiters(new ParleyError(code, `session closed (${code})`));
      return;
    }
    if (code === CloseCode.SlowDown) {
      // Retrying what the flood had in flight would flood again: those calls fail, later ones wait for the new login.
      this.#slowDownUntil = Date.now() + SLOW_DOWN_MS;
      this.#rejectWaiters(slowedDown());
    }
    await this.#relogin(code === CloseCode.SlowDown ? SLOW_DOWN_MS : 0);
  }

  /** Gives up on a connection that stopped answering (its node may be paused) and logs in again. */
  #abandon(room: Room): void {
    if (room !== this.#room) return;
    this.#room = undefined;
    room.reconnection.maxRetries = 0;
    terminate(room);
    void this.#relogin();
  }

  /** Logs in again through /connect (any endpoint) with backoff, then syncs; one at a time; first waits `pauseMs`. */
  async #relogin(pauseMs = 0): Promise<void> {
    if (this.#relogging) return;
    this.#relogging = true;
    this.#setState('reconnecting');
    try {
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      for (let attempt = 0; this.#state === 'reconnecting'; attempt++) {
        await new Promise((r) => setTimeout(r, RELOGIN_DELAYS_MS[Math.min(attempt, RELOGIN_DELAYS_MS.length - 1)]));
        try {
          await this.#connect();
          void this.#rejoinAudiences();
          await this.sync();
          return;
        } catch (e) {
          if (e instanceof ParleyError && e.code >= 70001 && e.code <= 70020) {
            this.#closeCode = e.code;
            this.#setState('closed');
            this.#rejectWaiters(e);
            return;
          }
        }
      }
    } finally {
      this.#relogging = false;
    }
  }

  /**
   * Joins this session's AVChatRooms again (joining is idempotent): after a reconnect the server may
   * have forgotten the audience (the user went offline, or the group's actor moved or restarted).
   * A group that is gone (10010) is forgotten; other failures are left for the next reconnect.
   */
  async #rejoinAudiences(): Promise<void> {
    await Promise.all(
      [...this.#audiences].map(async (groupId) => {
        try {
          await this.call(Op.JoinGroup, { groupId });
        } catch (e) {
          if (e instanceof ParleyError && e.code === errors.GroupNotFound.code) this.#audiences.delete(groupId);
        }
      }),
    );
  }

  #connected(): Promise<Room> {
    if (this.#state === 'connected' && this.#room) return Promise.resolve(this.#room);
    if (this.#state === 'closed') return Promise.reject(new ParleyError(this.#closeCode, 'session closed'));
    return new Promise<void>((resolve, reject) => this.#connectedWaiters.push({ resolve, reject })).then(() => this.#connected());
  }

  #setState(s: ConnectionState): void {
    if (this.#state === s) return;
    this.#state = s;
    if (s === 'connected') {
      const waiters = this.#connectedWaiters;
      this.#connectedWaiters = [];
      for (const w of waiters) w.resolve();
    }
    for (const l of this.#stateListeners) l(s);
  }

  #rejectWaiters(e: Error): void {
    const waiters = this.#connectedWaiters;
    this.#connectedWaiters = [];
    for (const w of waiters) w.reject(e);
  }

  // ---- streams --------------------------------------------------------------------------------

  #tracker(stream: string, cursor: number): StreamTracker {
    let t = this.#trackers.get(stream);
    if (!t) {
      t = new StreamTracker(stream, cursor, (ev) => this.#emit(ev), { sparse: stream === BROADCAST_STREAM });
      this.#trackers.set(stream, t);
    }
    return t;
  }

  #emit(ev: StreamEvent): void {
    for (const l of this.#eventListeners) l(ev);
  }

  #onLive(ev: StreamEvent): void {
    const t = this.#tracker(ev.stream, 0);
    if (t.live(ev)) void this.#pull(ev.stream).catch(() => undefined);
  }

  /** Pulls a stream until the tracker has caught up with the server; one pull per stream at a time. */
  #pull(stream: string): Promise<void> {
    const running = this.#pulling.get(stream);
    if (running) return running.then(() => (this.#trackers.get(stream)?.behind ? this.#pull(stream) : undefined));
    const run = (async () => {
      const t = this.#tracker(stream, 0);
      const limit = this.#o.pageSize ?? 200;
      for (;;) {
        const before = t.cursor;
        const page: StreamPage =
          stream === inboxStream(this.#o.userId)
            ? await this.call(Op.Sync, { after: t.cursor, limit })
            : stream === BROADCAST_STREAM
              ? await this.call(Op.BroadcastPull, { after: t.cursor, limit })
              : await this.call(Op.GroupPull, { groupId: stream.slice(2), after: t.cursor, limit });
        t.page(page);
        if (!t.behind || t.cursor === before) return;
      }
    })();
    this.#pulling.set(stream, run);
    return run.finally(() => this.#pulling.delete(stream));
  }
}
