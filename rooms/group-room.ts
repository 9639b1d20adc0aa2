/**
 * GroupRoom: the actor of one group (`group_<escaped groupId>`). It owns the group stream (SEQ),
 * the group profile and its members, applies the rules of src/im/groups, and fans messages out to
 * the online members. Ordinary groups have no clients; commands reach it through `actors.group(id)`.
 */
import { actorIdOf } from '../src/cluster/room-ids.ts';
import type { AddMembersResult, CreateGroupSpec, GroupActor, GroupSendResult, GroupSendSpec } from '../src/im/actor-api.ts';
import type { Caller } from '../src/im/caller.ts';
import {
  type GroupInfo,
  type GroupProfile,
  type GroupState,
  type Member,
  TYPE_RULES,
  emptyMemberProfile,
  groupFromRecord,
  memberFromRecord,
  memberToRecord,
} from '../src/im/groups/group-model.ts';
import { checkAtInfo, checkCanSend } from '../src/im/groups/group-rules.ts';
import { originOf } from '../src/im/caller.ts';
import { CloseCode } from '../src/protocol/close-codes.ts';
import type { GroupMessage } from '../src/protocol/entries.ts';
import { imError } from '../src/protocol/errors.ts';
import { groupStream } from '../src/protocol/streams.ts';
import { ActorRoom } from './actor-room.ts';
import { GroupStream } from './group/group-stream.ts';
import { addMembers, removeMembers } from './group/membership.ts';
import { notifyInboxes } from './group/notices.ts';
import { commitObserver } from './commit-metrics.ts';
import { emitterFor } from './emitter-for.ts';
import { makeEvent } from '../src/events/event-types.ts';
import type { ActorRoomOptions } from './room-deps.ts';

interface Loaded {
  readonly group: GroupState;
  readonly members: Map<string, Member>;
  readonly stream: GroupStream;
}

const GROUP_METHODS: ReadonlySet<string> = new Set<keyof GroupActor>(['create', 'info', 'addMembers', 'removeMembers', 'sendMessage', 'flushEvents']);

export class GroupRoom extends ActorRoom implements GroupActor {
  protected readonly callable = GROUP_METHODS;
  #groupId = '';
  /** Undefined while no group with this id exists. */
  #state: Loaded | undefined;

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
        emitter: emitterFor(im, streamId, type),
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
    this.#state?.stream.close();
  }

  #require(): Loaded {
    if (!this.#state) throw imError('GroupNotFound', { groupId: this.#groupId });
    return this.#state;
  }

  create(spec: CreateGroupSpec): Promise<{ groupId: string }> {
    return this.serve(async () => {
      if (this.#state) throw this.#taken(spec, this.#state.group.owner);
      const im = this.deps.im;
      const now = im.now();
      const profile: GroupProfile = {
        name: spec.name,
        introduction: spec.introduction,
        notification: spec.notification,
        faceUrl: spec.faceUrl,
        maxMemberCount: spec.maxMemberCount,
        applyJoinOption: spec.applyJoinOption as GroupProfile['applyJoinOption'],
        muteAll: false,
        appDefinedData: { ...spec.appDefinedData },
        infoSeq: 0,
        lastInfoTime: now,
        lastMsgTime: 0,
      };
      const listed = TYPE_RULES[spec.type].memberList;
      const members: Member[] = [
        ...(spec.owner && listed ? [{ userId: spec.owner, role: 'Owner' as const, appMemberDefinedData: {} }] : []),
        ...spec.members,
      ].map((m) => ({ userId: m.userId, role: m.role, joinedAt: now, joinSeq: 0, profile: { ...emptyMemberProfile(), appMemberDefinedData: { ...m.appMemberDefinedData } } }));
      const record = { groupId: this.#groupId, type: spec.type, owner: spec.owner, createdAt: now, profile: JSON.stringify(profile) };
      if (!(await im.store.groups.createGroup(record, members.map(memberToRecord)))) {
        const existing = await im.store.groups.getGroup(this.#groupId);
        throw this.#taken(spec, existing?.owner ?? '');
      }
      this.#state = { group: groupFromRecord(record), members: new Map(members.map((m) => [m.userId, m])), stream: await this.#openStream(spec.type) };
      await im.events.publish([
        makeEvent('group.created', `g:${this.#groupId}#created`, groupStream(this.#groupId), now, {
          groupId: this.#groupId,
          groupType: spec.type,
          owner: spec.owner,
          operator: spec.operator,
          name: spec.name,
          members: members.map((m) => m.userId),
          appDefinedData: spec.appDefinedData,
        }),
      ]);
      await notifyInboxes(im, members.map((m) => m.userId), { notice: 'group.joined', groupId: this.#groupId, groupSeq: 0, operator: spec.operator, time: now });
      return { groupId: this.#groupId };
    });
  }

  #taken(spec: CreateGroupSpec, owner: string): Error {
    return spec.idWasChosen && owner !== '' && owner === spec.owner
      ? imError('GroupIdTakenBySelf', { groupId: this.#groupId })
      : imError('GroupIdTaken', { groupId: this.#groupId });
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

  removeMembers(operator: Caller, userIds: readonly string[], silence: boolean): Promise<void> {
    return this.serve(() => removeMembers(this.deps.im, this.#require(), operator, userIds, silence));
  }

  sendMessage(spec: GroupSendSpec): Promise<GroupSendResult> {
    return this.serve(async () => {
      const s = this.#require();
      const im = this.deps.im;
      const time = im.now();
      const sender = spec.caller.kind === 'user' ? s.members.get(spec.caller.userId) : undefined;
      checkCanSend(s.group, spec.caller, sender, time);
      checkAtInfo(s.group, spec.atInfo);
      let entry: GroupMessage = {
        kind: 'group',
        groupId: this.#groupId,
        from: spec.from,
        time,
        random: spec.random,
        body: spec.body,
        cloudCustomData: spec.cloudCustomData,
        priority: spec.priority,
        flags: 0,
        ...(spec.atInfo ? { atInfo: spec.atInfo } : {}),
        ...(spec.forbidAfterCallback ? { noAfterCallback: true as const } : {}),
        origin: originOf(spec.caller),
      };
      if (!spec.forbidBeforeCallback) {
        const decision = await im.hooks.beforeGroupSend({ caller: spec.caller, groupType: s.group.type, message: entry, onlineOnly: spec.onlineOnly });
        if (decision.action === 'reject') throw decision.error;
        if (decision.action === 'drop') return { seq: 0, time };
        if (decision.action === 'rewrite') entry = { ...entry, body: decision.body ?? entry.body, cloudCustomData: decision.cloudCustomData ?? entry.cloudCustomData };
      }
      if (spec.onlineOnly || !TYPE_RULES[s.group.type].history) {
        s.stream.pushOnline(entry, s.members.keys());
        return { seq: 0, time };
      }
      const out = await s.stream.append({ entry, time, idemKey: `g:${spec.from}:${spec.random}` }, () => s.members.keys());
      if (out.duplicate) return { seq: out.seq, time: (await s.stream.read(out.seq))?.time ?? time };
      await this.#noteMessage(s, time);
      return { seq: out.seq, time };
    });
  }

  /** Keeps LastMsgTime; persists it once, when the first message activates the group. */
  async #noteMessage(s: Loaded, time: number): Promise<void> {
    const first = s.group.profile.lastMsgTime === 0;
    s.group.profile = { ...s.group.profile, lastMsgTime: time };
    if (first) await this.deps.im.store.groups.updateGroup(this.#groupId, { profile: JSON.stringify(s.group.profile) });
  }
}
