/**
 * InboxRoom: the actor of one user (`inbox_<escaped userId>`). It owns the user's inbox stream and
 * their connected devices, serves the client operations of src/protocol/client-ops.ts, and is
 * called by other actors and commands through `actors.inbox(userId)`.
 */
import { type Client, ServerError } from '@colyseus/core';
import { actorIdOf } from '../src/cluster/room-ids.ts';
import { LiveEvent } from '../src/cluster/fan-out.ts';
import type { C2CChange, C2CChangeOutcome, C2CDeliverOptions, C2CDelivery, Handlers, InboxProtocol } from '../src/im/actor-api.ts';
import { msgKeySecond } from '../src/im/c2c/msg-key.ts';
import { NO_GROUPS } from '../src/im/conversations/contact-state.ts';
import { announceStatus } from '../src/im/presence/announce-status.ts';
import { ATTR_SLOTS } from '../src/im/push-targets/rules.ts';
import { CloseCode, closeAction } from '../src/protocol/close-codes.ts';
import { Op, type OpRequest, type Platform, REQUEST } from '../src/protocol/client-ops.ts';
import type { C2CMessage, InboxOnlyEntry, StreamEvent } from '../src/protocol/entries.ts';
import { imError, isImError } from '../src/protocol/errors.ts';
import { ActorRoom } from './actor-room.ts';
import { plainIp } from '../src/im/caller.ts';
import { CLIENT_OPS, observeOp } from './inbox/client-ops.ts';
import { secondsSince } from '../src/ops/metrics.ts';
import { type DeviceInfo, Devices } from './inbox/devices.ts';
import { FloodGuard } from './inbox/flood-guard.ts';
import { InboxStream } from './inbox/inbox-stream.ts';
import { AudienceGroups } from './inbox/audience-groups.ts';
import { toRpcError } from './inbox/rpc-error.ts';
import { commitObserver } from './commit-metrics.ts';
import { emitterFor } from './emitter-for.ts';
import { type StateChangedData, makeEvent } from '../src/protocol/events.ts';
import { inboxStream } from '../src/protocol/streams.ts';
import type { ActorRoomOptions } from './room-deps.ts';

/** WebSocket close code of a connection lost without a close frame (RFC 6455 §7.1.5). */
const ABNORMAL_CLOSURE = 1006;

interface JoinOptions {
  readonly platform?: Platform;
}

interface RequestContext {
  reject(reason: unknown): unknown;
}

export class InboxRoom extends ActorRoom<InboxProtocol> {
  protected readonly handlers: Handlers<InboxProtocol> = {
    deliverC2C: (c) => this.deliverC2C(c.message, c.opts),
    appendNotice: (c) => this.appendNotice(c.notice),
    pushLive: (c) => this.pushLive(c.event),
    changeC2C: (c) => this.changeC2C(c.change),
    kickDevices: () => this.kickDevices(),
    devices: () => Promise.resolve(this.#devices.platforms()),
    conversations: () =>
      this.serve(async () => {
        const book = await this.#stream.conversations();
        return { enabled: book !== undefined, rows: book ? [...book.all()] : [], groups: book?.groups() ?? NO_GROUPS, marks: book ? [...book.marks()] : [], head: this.#stream.head ?? 0 };
      }),
    changeConversation: (c) => this.serve(() => this.#stream.changeConversation(c.change, this.deps.im.now())),
    changeContacts: (c) => this.serve(() => this.#stream.changeContacts(c.change, c.operator, this.deps.im.now())),
    deleteAccount: () => this.deleteAccount(),
    flushEvents: () => this.flushEvents(),
  };
  #userId = '';
  #accountKnown = false;
  /** The push registration each connected session made; bounded by the sessions. */
  readonly #pushDevices = new Map<Client, string>();
  #stream!: InboxStream;
  #devices!: Devices;
  #audiences!: AudienceGroups;
  #flood!: FloodGuard;
  /** Logins so far, ordering this inbox's devices. */
  #logins = 0;
  /** The account was deleted while this actor lived (a join re-imports it, so it is reset there). */
  #deleted = false;

  /** The token is verified in onJoin, where the room (and so the user it belongs to) is known. */
  static override async onAuth(token: string, _options: unknown, context: { ip?: string }): Promise<{ token: string; ip: string } | false> {
    // The device's address as its /connect request came in.
    return token ? { token, ip: plainIp(context.ip) } : false;
  }

  override onCreate(options: ActorRoomOptions): void {
    super.onCreate(options);
    this.#userId = actorIdOf(options.id);
    const im = this.deps.im;
    this.#devices = new Devices(this.clients, im.metrics.deliveries, im.now);
    this.#flood = new FloodGuard(this.deps.settings.flood, im.now);
    this.#audiences = new AudienceGroups(this.#userId, im.actors, im.log, this.deps.settings.audienceRejoinS * 1000);
    this.#stream = new InboxStream({
      userId: this.#userId,
      log: im.store.messages,
      now: im.now,
      dedupWindowMs: im.limits.dedupWindowS * 1000,
      noticeRetentionS: im.limits.offlineRetentionS,
      conversations: this.deps.settings.conversations,
      push: (event, exceptDevice) => this.#devices.push(new LiveEvent(event), exceptDevice),
      onCommit: commitObserver(im.metrics, 'u'),
      emitter: emitterFor(this.deps, inboxStream(this.#userId)),
      onFatal: (e) => {
        im.log.warn({ err: e, userId: this.#userId }, 'inbox writer failed; passivating');
        void this.passivate(CloseCode.ActorMoved);
      },
    });
    this.onMessage(REQUEST, (client: Client, request: unknown, ctx: RequestContext) => this.#runOp(client, request, ctx));
  }

  protected async load(): Promise<void> {
    this.#accountKnown = (await this.deps.im.accounts.missing([this.#userId])).length === 0;
  }

  protected canPassivate(): boolean {
    return this.#stream.idle;
  }

  protected release(): void {
    if (this.#stream) this.deps.closing.track(this.#stream.close());
    this.#devices?.clear();
    this.deps?.fanOut.offline(this.#userId, this);
    this.#audiences?.leaveAll();
  }

  // ---- devices -------------------------------------------------------------------------------

  override async onJoin(client: Client, options: JoinOptions = {}, auth?: { token?: string; ip?: string }): Promise<void> {
    await this.serve(async () => {
      let sig;
      try {
        sig = await this.deps.auth.user(this.#userId, auth?.token);
      } catch (e) {
        throw new ServerError(CloseCode.Unauthorized, isImError(e) ? `${e.code}: ${e.info}` : 'unauthorized');
      }
      this.#accountKnown = true;
      this.#deleted = false;
      const info: DeviceInfo = { platform: options.platform ?? 'Web', sigExpiresAt: (sig.time + sig.expire) * 1000, clientIp: auth?.ip ?? '', since: this.#logins++ };
      const replaced = this.#devices.replaceFor(this.deps.settings.logins, info.platform);
      const first = this.#devices.count === 0;
      this.#devices.attach(client, info);
      this.#stateChanged('Login', 'Register', info.platform, replaced);
      if (first) this.#announceStatus('Online');
      this.deps.im.metrics.connections.inc();
      this.deps.fanOut.online(this.#userId, this);
    });
  }

  /** A session the server ended (kicked, replaced, UserSig expired) is over at once: no reconnection window. */
  override async onDrop(client: Client, code?: number): Promise<void> {
    if (code !== undefined && closeAction(code) === 'give-up') return;
    await this.allowReconnection(client, this.deps.settings.reconnectWindowS);
  }

  /** A device dropped just before its account was deleted may not resume into the deleted inbox. */
  override onReconnect(client: Client): void {
    if (this.#deleted) client.leave(CloseCode.Kicked, 'the account was deleted');
  }

  override onLeave(client: Client, code?: number): void {
    this.#pushDeviceLeft(client);
    if (this.#devices.detach(client)) {
      this.deps.im.metrics.connections.dec();
      const info = client.userData as DeviceInfo;
      const consented = code === 4000 || code === 1000;
      const kicked = code === CloseCode.Kicked || code === CloseCode.ReplacedByNewLogin;
      // 1006: the link died without a close (no heartbeat answered), and the device did not resume within the window.
      const reason = consented ? 'Unregister' : kicked ? 'Kicked' : code === ABNORMAL_CLOSURE ? 'TimeOut' : 'LinkClose';
      this.#stateChanged(consented ? 'Logout' : 'Disconnect', reason, info.platform);
      if (this.#devices.count === 0) this.#announceStatus('Offline');
    }
    if (this.clients.length === 0) this.#offline();
  }

  /** The push registration a session made (or removed), so its end can be recorded as the device's last activity. */
  #notePushDevice(client: Client, op: string, args: unknown): void {
    const deviceId = (args as { deviceId?: unknown } | undefined)?.deviceId;
    if (typeof deviceId !== 'string') return;
    if (op === Op.RegisterPush) this.#pushDevices.set(client, deviceId);
    else if (op === Op.UnregisterPush && this.#pushDevices.get(client) === deviceId) this.#pushDevices.delete(client);
  }

  /** A registered device's session ended: from now its PushOnline window runs (push/push-devices.ts). */
  #pushDeviceLeft(client: Client): void {
    const deviceId = this.#pushDevices.get(client);
    if (deviceId === undefined) return;
    this.#pushDevices.delete(client);
    const im = this.deps.im;
    im.store.pushDevices.touchDevice(this.#userId, deviceId, im.now()).catch((e: unknown) => im.log.warn({ err: e, userId: this.#userId }, 'push device activity not recorded'));
  }

  /** The user's last device here left: no live pushes, and they leave the AVChatRooms they were watching. */
  #offline(): void {
    this.deps.fanOut.offline(this.#userId, this);
    this.#audiences.leaveAll();
  }

  /** Those following the user's status online (subscribers; friends where the app turns it on) learn they came or went; never a device's error. */
  #announceStatus(status: 'Online' | 'Offline'): void {
    const im = this.deps.im;
    announceStatus(im, this.#userId, status, this.deps.settings.friendStatusPush).catch((e: unknown) => im.log.warn({ err: e, userId: this.#userId }, 'status change not told to followers'));
  }

  /** State changes go through the inbox's outbox; a failure to record one is logged, never a device's error. */
  #stateChanged(action: StateChangedData['action'], reason: StateChangedData['reason'], platform: Platform, kickedDevices: readonly Platform[] = []): void {
    const im = this.deps.im;
    const time = im.now();
    const data: StateChangedData = { userId: this.#userId, action, reason, platform, ...(kickedDevices.length > 0 ? { kickedDevices } : {}) };
    const event = makeEvent('state.changed', `state:${this.#userId}:${time}:${action}:${platform}`, inboxStream(this.#userId), time, data);
    this.#stream.emit([event]).catch((e: unknown) => im.log.warn({ err: e, userId: this.#userId }, 'state change event not recorded'));
  }

  async #runOp(client: Client, request: unknown, ctx: RequestContext): Promise<unknown> {
    const started = performance.now();
    const op = typeof request === 'object' && request !== null && typeof (request as OpRequest).op === 'string' ? (request as OpRequest).op : '';
    let code = 0;
    const admission = this.#flood.admit(client, op);
    try {
      if (admission !== 'ok') {
        this.deps.im.metrics.clientRefused.inc();
        // Past its rate for a long run: it is told to pause (the SDK logs in again after a while).
        if (admission === 'close') client.leave(CloseCode.SlowDown, 'too many requests: slow down');
        throw imError('ClientRateLimited');
      }
      const handler = CLIENT_OPS.get(op);
      if (!handler) throw imError('ClientUnknownOp', { op: JSON.stringify(op) });
      const info = client.userData as DeviceInfo;
      const caller = { kind: 'user', userId: this.#userId, platform: info.platform, clientIp: info.clientIp, device: client.sessionId } as const;
      const args = (request as OpRequest).args;
      const result = await this.serve(() => handler(this.deps.im, caller, args));
      this.#audiences.noteOp(op, args, result, caller);
      this.#notePushDevice(client, op, args);
      // The last device left while the op ran (an audience joined just then is left at once).
      if (this.clients.length === 0) this.#audiences.leaveAll();
      return result;
    } catch (e) {
      const wire = toRpcError(e, this.deps.im.log, op);
      code = wire.code;
      return ctx.reject(wire);
    } finally {
      if (admission === 'ok') this.#flood.done(client);
      observeOp(this.deps.im.metrics, CLIENT_OPS.has(op) ? op : 'unknown', code, secondsSince(started));
    }
  }

  // ---- actor API -----------------------------------------------------------------------------

  deliverC2C(message: C2CMessage, opts: C2CDeliverOptions): Promise<C2CDelivery> {
    return this.serve(async () => {
      await this.#requireAccount(message.from === this.#userId);
      return this.#stream.deliverC2C(message, opts);
    });
  }

  /** A MsgKey that is not one never reaches here (the command checks it). */
  changeC2C(change: C2CChange): Promise<C2CChangeOutcome> {
    return this.serve(async () => {
      const second = msgKeySecond(change.msgKey);
      if (second === undefined) return { outcome: 'missing' as const };
      return this.#stream.changeC2C(change, second, this.deps.im.now());
    });
  }

  appendNotice(notice: InboxOnlyEntry): Promise<{ seq: number }> {
    return this.serve(() => this.#stream.appendNotice(notice));
  }

  pushLive(event: StreamEvent): Promise<void> {
    this.deliver(new LiveEvent(event));
    return Promise.resolve();
  }

  /** The DeviceSink of src/cluster/fan-out.ts: never throws. */
  deliver(live: LiveEvent): void {
    this.#devices.push(live);
  }

  flushEvents(): Promise<void> {
    return this.serve(() => this.#stream.flushEvents());
  }

  kickDevices(): Promise<void> {
    return this.serve(() => this.#devices.closeAll(CloseCode.Kicked, 'kicked by the app'));
  }

  /**
   * Deliveries are refused from the start (the account is re-checked in the store, where it is soon
   * gone); the devices are closed; the record goes with its event; then every inbox entry, after
   * whatever was being written when the deletion began.
   */
  deleteAccount(): Promise<boolean> {
    return this.serve(async () => {
      const im = this.deps.im;
      this.#accountKnown = false;
      this.#deleted = true;
      this.#devices.closeAll(CloseCode.Kicked, 'the account was deleted');
      const now = im.now();
      const stream = inboxStream(this.#userId);
      const events = [makeEvent('account.deleted', `account-deleted:${this.#userId}:${now}`, stream, now, { userId: this.#userId })];
      const existed = await im.store.accounts.deleteAccount(this.#userId, now, im.events.record(stream, events));
      im.accounts.forget(this.#userId);
      im.senderProfiles.forget(this.#userId);
      if (existed) im.events.publishRecorded(stream, events);
      await this.#stream.dropAll();
      // Its all-member push audience goes with it: an id imported again starts with none.
      await im.store.pushTargets.removeAllTags([this.#userId]);
      await im.store.pushTargets.removeAttrs([{ userId: this.#userId, slots: ATTR_SLOTS }]);
      return existed;
    });
  }

  /** The account may have been imported since activation, so a miss is re-checked in the store. */
  async #requireAccount(isSender: boolean): Promise<void> {
    if (this.#accountKnown) return;
    await this.load();
    if (!this.#accountKnown) {
      throw imError(isSender ? 'FromAccountNotFound' : 'ToAccountNotFound', { userId: this.#userId });
    }
  }
}
