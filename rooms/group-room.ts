/**
 * GroupRoom: the actor of one group (`group_<escaped groupId>`). It owns the group stream (SEQ),
 * the group profile and its members, applies the rules of src/im/groups, and fans messages out to
 * the online members. Ordinary groups have no clients; commands reach it through `actors.group(id)`.
 */
import { actorIdOf } from '../src/cluster/room-ids.ts';
import type { AddMembersResult, CreateGroupSpec, GroupProtocol, GroupSendResult, GroupSendSpec, Handlers } from '../src/im/actor-api.ts';
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
import { notifyOnline, sendInGroup } from '../src/im/groups/send-in-group.ts';
import { changeOwner, destroy, modifyInfo } from '../src/im/groups/profile-changes.ts';
import { memberPage, modifyMember, mute, mutedNow, rolesOf } from '../src/im/groups/member-changes.ts';
import { deleteBySender, recall } from '../src/im/groups/recall-in-group.ts';
import { notifyInboxes } from '../src/im/groups/notices.ts';
import { commitObserver } from './commit-metrics.ts';
import { emitterFor } from './emitter-for.ts';
import type { ActorRoomOptions } from './room-deps.ts';
import type { GroupRecord } from '../storage/store.ts';

interface Loaded {
  readonly group: GroupState;
  readonly members: Map<string, Member>;
  readonly stream: GroupStream;
}

export class GroupRoom extends ActorRoom<GroupProtocol> {
  protected readonly handlers: Handlers<GroupProtocol> = {
    create: (c) => this.create(c.spec),
    info: () => this.info(),
    addMembers: (c) => this.addMembers(c.operator, c.userIds, c.silence),
    removeMembers: (c) => this.removeMembers(c.operator, c.userIds, c.silence, c.reason),
    sendMessage: (c) => this.sendMessage(c.spec),
    modifyInfo: (c) => this.#run((s) => modifyInfo(this.deps.im, s, c.operator, c.patch)),
    modifyMember: (c) => this.#run((s) => modifyMember(this.deps.im, s, c.operator, c.userId, c.patch)),
    mute: (c) => this.#run((s) => mute(this.deps.im, s, c.operator, c.userIds, c.seconds)),
    muted: () => this.#run((s) => mutedNow(s, this.deps.im.now())),
    members: (c) => this.#run((s) => memberPage(s, c.operator, c.query)),
    roles: (c) => this.#run((s) => rolesOf(s, c.userIds)),
    changeOwner: (c) => this.#run((s) => changeOwner(this.deps.im, s, c.operator, c.newOwner)),
    destroy: (c) => this.#destroy(c.operator),
    recall: (c) => this.#run((s) => recall(this.deps.im, s, c.operator, c.seqs)),
    deleteBySender: (c) => this.#run((s) => deleteBySender(s, c.sender)),
    systemNotification: (c) => this.#run((s) => notifyOnline(this.deps.im, s, c.content, c.userIds)),
    flushEvents: () => this.flushEvents(),
  };
  #groupId = '';
  /** Undefined while no group with this id exists. */
  #state: Loaded | undefined;
  /** The create in progress, if any: the next waits for it. */
  #creates: Promise<void> = Promise.resolve();

  override onCreate(options: ActorRoomOptions): void {
    super.onCreate(options);
    this.#groupId = actorIdOf(options.id);
  }

  protected async load(): Promise<void> {
    const store = this.deps.im.store;
    const record = await store.groups.getGroup(this.#groupId);
    if (!record) return;
    const members = new Map((await store.groups.listMembers(this.#groupId)).map((r) => [r.userId, memberFromRecord(r)]));
    this.#state = { group: groupFromRecord(record), members, stream: await this.#openStream(record.type) };
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

  protected canPassivate(): boolean {
    return this.#state === undefined || this.#state.stream.idle;
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
    const run = this.#creates.then(() => this.serve(() => this.#create(spec)));
    this.#creates = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
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
    this.#state = { group: groupFromRecord(record), members: new Map(created.members.map((m) => [m.userId, m])), stream: await this.#openStream(spec.type) };
    if (recorded) this.#state.stream.publishRecorded([event]);
    else await this.#state.stream.emit([event]);
    await notifyInboxes(im, created.members.map((m) => m.userId), { notice: 'group.joined', groupId: this.#groupId, groupSeq: 0, operator: spec.operator, time: now });
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
      return { groupId: g.groupId, type: g.type, owner: g.owner, createdAt: g.createdAt, profile: g.profile, nextMsgSeq: s.stream.head + 1, members: [...s.members.values()] };
    });
  }

  addMembers(operator: Caller, userIds: readonly string[], silence: boolean): Promise<AddMembersResult> {
    return this.serve(() => addMembers(this.deps.im, this.#require(), operator, userIds, silence));
  }

  removeMembers(operator: Caller, userIds: readonly string[], silence: boolean, reason: string): Promise<void> {
    return this.serve(() => removeMembers(this.deps.im, this.#require(), operator, userIds, silence, reason));
  }

  /** Runs a rule of src/im/groups over the loaded group (GroupNotFound if there is none). */
  #run<T>(rule: (s: Loaded) => Promise<T> | T): Promise<T> {
    return this.serve(() => rule(this.#require()));
  }

  /** After a dismissal the actor holds no group: a create under the same id starts a new one. */
  #destroy(operator: Caller): Promise<void> {
    return this.#run(async (s) => {
      await destroy(this.deps.im, s, operator);
      this.#state = undefined;
      await s.stream.close();
    });
  }

  sendMessage(spec: GroupSendSpec): Promise<GroupSendResult> {
    return this.serve(() => sendInGroup(this.deps.im, this.#require(), spec));
  }
}
