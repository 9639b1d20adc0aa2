/**
 * GroupRoom: the actor of one group (`group_<escaped groupId>`). It owns the group stream (SEQ),
 * the group profile and its members, applies the rules of src/im/groups, and fans messages out to
 * the online members. Ordinary groups have no clients; commands reach it through `actors.group(id)`.
 */
import { actorIdOf } from '../src/cluster/room-ids.ts';
import type { CreateGroupSpec, GroupProtocol, GroupSendResult, GroupSendSpec, Handlers } from '../src/im/actor-api.ts';
import type { Caller } from '../src/im/caller.ts';
import {
  type GroupInfo,
  type GroupState,
  type Member,
  groupFromRecord,
  memberFromRecord,
  memberToRecord,
} from '../src/im/groups/group-model.ts';
import { createdBy, groupCreatedEvent, idTaken, newGroup } from '../src/im/groups/new-group.ts';
import { CloseCode } from '../src/protocol/close-codes.ts';
import { imError } from '../src/protocol/errors.ts';
import { groupStream } from '../src/protocol/streams.ts';
import type { ParleyEvent } from '../src/protocol/events.ts';
import { ActorRoom } from './actor-room.ts';
import { GroupStream } from './group/group-stream.ts';
import { addMembers, removeMembers } from '../src/im/groups/membership.ts';
import { Audience } from '../src/im/groups/audience.ts';
import { AUDIENCE_NEWS_MS, announceAudience, hasAudience, joinGroupOrAudience, leaveAudience, onlineMemberNum, quitGroupOrAudience } from '../src/im/groups/audience-changes.ts';
import { viewOf } from '../src/im/groups/group-view.ts';
import { needsApproval } from '../src/im/groups/application-rules.ts';
import { apply, decide } from '../src/im/groups/applications-in-group.ts';
import { notifyOnline, sendInGroup } from '../src/im/groups/send-in-group.ts';
import { changeOwner, destroy, modifyInfo } from '../src/im/groups/profile-changes.ts';
import { memberPage, modifyMember, mute, mutedNow, rolesOf } from '../src/im/groups/member-changes.ts';
import { deleteBySender, recall } from '../src/im/groups/recall-in-group.ts';
import { readReceipts, receiptCounts, receiptMembers } from '../src/im/groups/receipts-in-group.ts';
import { modifyMessage } from '../src/im/groups/modify-in-group.ts';
import { notifyInboxes } from '../src/im/groups/notices.ts';
import { importMembers, importMessages, setUnread } from '../src/im/groups/import-in-group.ts';
import { attrsOf, changeAttrs } from '../src/im/groups/attrs-in-group.ts';
import { commitObserver } from './commit-metrics.ts';
import { GroupRate } from '../src/im/groups/group-rate.ts';
import { watchingFull } from '../src/im/groups/group-reports.ts';
import { ReportThrottle } from '../src/im/groups/report-throttle.ts';
import { emitterFor } from './emitter-for.ts';
import type { ActorRoomOptions } from './room-deps.ts';
import type { GroupRecord } from '../storage/store.ts';

interface Loaded {
  readonly group: GroupState;
  readonly members: Map<string, Member>;
  readonly stream: GroupStream;
  readonly rate: GroupRate;
  readonly audience: Audience;
  readonly reports: ReportThrottle;
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

export class GroupRoom extends ActorRoom<GroupProtocol> {
  protected readonly handlers: Handlers<GroupProtocol> = {
    create: (c) => this.create(c.spec),
    info: () => this.info(),
    view: (c) => this.#run((s) => viewOf(s, c.viewer)),
    addMembers: (c) => this.#change((s) => watchingFull(this.deps.im, s, () => addMembers(this.deps.im, s, c.operator, c.userIds, c.silence))),
    removeMembers: (c) => this.#change((s) => removeMembers(this.deps.im, s, c.operator, c.userIds, c.silence, c.reason)),
    sendMessage: (c) => this.sendMessage(c.spec),
    modifyInfo: (c) => this.#change((s) => modifyInfo(this.deps.im, s, c.operator, c.patch)),
    modifyMember: (c) => this.#change((s) => modifyMember(this.deps.im, s, c.operator, c.userId, c.patch)),
    mute: (c) => this.#change((s) => mute(this.deps.im, s, c.operator, c.userIds, c.seconds)),
    muted: (c) => this.#run((s) => mutedNow(s, c.operator, this.deps.im.now())),
    members: (c) => this.#run((s) => memberPage(s, c.operator, c.query)),
    roles: (c) => this.#run((s) => rolesOf(s, c.userIds)),
    changeOwner: (c) => this.#change((s) => changeOwner(this.deps.im, s, c.operator, c.newOwner)),
    quit: (c) => this.#change((s) => quitGroupOrAudience(this.deps.im, s, c.userId)),
    join: (c) =>
      this.#change((s) => watchingFull(this.deps.im, s, () => (needsApproval(s.group) ? apply(this.deps.im, s, c.caller, c.message ?? '') : joinGroupOrAudience(this.deps.im, s, c.userId)))),
    decideApplication: (c) => this.#change((s) => watchingFull(this.deps.im, s, () => decide(this.deps.im, s, c.operator, c.applicant, c.accept, c.message))),
    leaveAudience: (c) => this.#ifLoaded((s) => leaveAudience(s, c.userId, 'offline')),
    onlineMembers: () => this.#run((s) => onlineMemberNum(s)),
    destroy: (c) => this.#destroy(c.operator),
    recall: (c) => this.#change((s) => recall(this.deps.im, s, c.operator, c.seqs)),
    readReceipts: (c) => this.#run((s) => readReceipts(this.deps.im, s, c.userId, c.seqs)),
    receiptCounts: (c) => this.#run((s) => receiptCounts(this.deps.im, s, c.operator, c.seqs)),
    receiptMembers: (c) => this.#run((s) => receiptMembers(this.deps.im, s, c.operator, c.query)),
    modifyMessage: (c) => this.#change((s) => modifyMessage(this.deps.im, s, c.operator, c.seq, c.patch)),
    deleteBySender: (c) => this.#change((s) => deleteBySender(s, c.sender)),
    systemNotification: (c) => this.#run((s) => notifyOnline(this.deps.im, s, c.content, c.userIds)),
    importMembers: (c) => this.#change((s) => watchingFull(this.deps.im, s, () => importMembers(this.deps.im, s, c.members))),
    importMessages: (c) => this.#change((s) => importMessages(this.deps.im, s, c.messages)),
    setUnread: (c) => this.#change((s) => setUnread(this.deps.im, s, c.userId, c.count)),
    attrs: () => this.#run((s) => attrsOf(s)),
    changeAttrs: (c) => this.#change((s) => changeAttrs(this.deps.im, s, c.change)),
    flushEvents: () => this.flushEvents(),
  };
  #groupId = '';
  /** Undefined while no group with this id exists. */
  #state: Loaded | undefined;
  /** The change in progress, if any (a create too): the next waits for it. */
  #changes: Promise<void> = Promise.resolve();

  override onCreate(options: ActorRoomOptions): void {
    super.onCreate(options);
    this.#groupId = actorIdOf(options.id);
  }

  protected async load(): Promise<void> {
    const store = this.deps.im.store;
    const record = await store.groups.getGroup(this.#groupId);
    if (!record) return;
    const members = new Map((await store.groups.listMembers(this.#groupId)).map((r) => [r.userId, memberFromRecord(r)]));
    this.#state = await this.#loaded(record, members);
  }

  async #openStream(type: string): Promise<GroupStream> {
    const im = this.deps.im;
    const streamId = groupStream(this.#groupId);
    const claim = await im.store.messages.claimStream(streamId);
    return new GroupStream(
      {
        streamId,
        log: im.store.messages,
        fanOut: this.deps.fanOut,
        now: im.now,
        dedupWindowMs: im.limits.dedupWindowS * 1000,
        onCommit: commitObserver(im.metrics, 'g'),
        emitter: emitterFor(this.deps, streamId, type),
        onFatal: (e) => {
          im.log.warn({ err: e, groupId: this.#groupId }, 'group writer failed; passivating');
          void this.passivate(CloseCode.ActorMoved);
        },
      },
      claim,
    );
  }

  /** The state of a group that exists: its record, members, an open stream and the in-memory parts (rate, audience). */
  async #loaded(record: GroupRecord, members: Map<string, Member>): Promise<Loaded> {
    return {
      group: groupFromRecord(record),
      members,
      stream: await this.#openStream(record.type),
      rate: new GroupRate(this.deps.im.moderation.groupMsgRate),
      audience: this.#newAudience(),
      reports: new ReportThrottle(),
      exclusive: (fn) => this.#exclusive(fn),
    };
  }

  /** Audience news is announced in batches, AUDIENCE_NEWS_MS after its first change (between the group's changes). */
  #newAudience(): Audience {
    return new Audience(() => {
      setTimeout(() => {
        if (!this.active) return;
        this.#ifLoaded((s) => announceAudience(this.deps.im, s)).catch((e: unknown) => this.deps.im.log.warn({ err: e, groupId: this.#groupId }, 'audience news not announced'));
      }, AUDIENCE_NEWS_MS).unref();
    });
  }

  /** An AVChatRoom with an audience stays active: the audience lives only here. */
  protected canPassivate(): boolean {
    return this.#state === undefined || (this.#state.stream.idle && this.#state.audience.idle);
  }

  protected release(): void {
    if (this.#state) this.deps.closing.track(this.#state.stream.close());
  }

  #require(): Loaded {
    if (!this.#state) throw imError('GroupNotFound', { groupId: this.#groupId });
    return this.#state;
  }

  /**
   * Creates of one id run one at a time here, before the store: the first decides, and the others
   * find its group (answering success only to a retry of the same request).
   */
  create(spec: CreateGroupSpec): Promise<{ groupId: string }> {
    return this.serve(() => this.#exclusive(() => this.#create(spec)));
  }

  async #create(spec: CreateGroupSpec): Promise<{ groupId: string }> {
    if (this.#state) {
      if (createdBy(this.#state.group, spec)) return { groupId: this.#groupId };
      throw idTaken(spec, this.#state.group.owner);
    }
    const im = this.deps.im;
    const now = im.now();
    const stream = groupStream(this.#groupId);
    const baseSeq = (await im.store.messages.headSeqs([stream])).get(stream) ?? 0;
    const created = newGroup(spec, now, baseSeq);
    const event = groupCreatedEvent(spec, created.members, now);
    const { record, recorded } = await this.#storeNewGroup(spec, created.record, created.members, event);
    this.#state = await this.#loaded(record, new Map(created.members.map((m) => [m.userId, m])));
    if (recorded) this.#state.stream.publishRecorded([event]);
    else await this.#state.stream.emit([event]);
    // An imported group (import_group) sends no notifications.
    if (spec.importedAt === undefined) await notifyInboxes(im, created.members.map((m) => m.userId), { notice: 'group.joined', groupId: this.#groupId, groupSeq: 0, operator: spec.operator, time: now });
    return { groupId: this.#groupId };
  }

  /**
   * Stores the new group with its `group.created` event in the outbox (`recorded`), so no crash
   * separates the two. When the id is taken, only by an earlier attempt of this very request (whose
   * answer was lost) does it go on, and its event is emitted again (same id: consumers dedupe).
   */
  async #storeNewGroup(spec: CreateGroupSpec, record: GroupRecord, members: readonly Member[], event: ParleyEvent): Promise<{ record: GroupRecord; recorded: boolean }> {
    const store = this.deps.im.store.groups;
    if (await store.createGroup(record, members.map(memberToRecord), this.deps.im.events.record(groupStream(this.#groupId), [event]))) return { record, recorded: true };
    const existing = await store.getGroup(this.#groupId);
    if (!existing || !createdBy(groupFromRecord(existing), spec)) throw idTaken(spec, existing?.owner ?? '');
    await store.putMembers(this.#groupId, spec.type, members.map(memberToRecord));
    return { record: existing, recorded: false };
  }

  flushEvents(): Promise<void> {
    return this.serve(async () => {
      await this.#state?.stream.flushEvents();
    });
  }

  info(): Promise<GroupInfo> {
    return this.serve(() => {
      const s = this.#require();
      const g = s.group;
      const online = hasAudience(s) ? { onlineMemberNum: s.audience.size } : {};
      return { groupId: g.groupId, type: g.type, owner: g.owner, createdAt: g.createdAt, profile: g.profile, nextMsgSeq: s.stream.head + 1, members: [...s.members.values()], ...online };
    });
  }

  /** Runs a rule of src/im/groups that only reads the loaded group (GroupNotFound if there is none). */
  #run<T>(rule: (s: Loaded) => Promise<T> | T): Promise<T> {
    return this.serve(() => rule(this.#require()));
  }

  /**
   * Runs a rule that changes the group, after every change before it: a rule reads the state, awaits
   * the store (and callbacks), then updates the state, so two changes interleaved at their awaits
   * could each lose the other's update. Messages are not queued here (their SEQs are the stream's).
   */
  #change<T>(rule: (s: Loaded) => Promise<T> | T): Promise<T> {
    return this.serve(() => this.#exclusive(async () => rule(this.#require())));
  }

  /** Runs `rule` between the group's changes if the group exists; nothing otherwise (or once the actor is gone). */
  #ifLoaded(rule: (s: Loaded) => Promise<void> | void): Promise<void> {
    return this.serve(() =>
      this.#exclusive(async () => {
        if (this.#state) await rule(this.#state);
      }),
    );
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#changes.then(fn);
    this.#changes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** After a dismissal the actor holds no group: a create under the same id starts a new one. */
  #destroy(operator: Caller): Promise<void> {
    return this.#change(async (s) => {
      await destroy(this.deps.im, s, operator);
      this.#state = undefined;
      await s.stream.close();
    });
  }

  sendMessage(spec: GroupSendSpec): Promise<GroupSendResult> {
    return this.serve(() => sendInGroup(this.deps.im, this.#require(), spec));
  }
}
