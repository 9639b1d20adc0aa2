/**
 * The actors' call surfaces as seen by domain code. `Actors.inbox(id)` / `.group(id)` return a
 * reference that activates the actor if needed (exactly one in the cluster) and calls it, locally
 * or across nodes; nothing outside src/cluster knows where an actor runs. Arguments and results
 * are plain JSON values (they may cross a process boundary).
 */
import type { C2CMessage, GroupAt, GroupMessage, InboxNotice, StreamEvent } from '../protocol/entries.ts';
import type { GroupType, MemberRole } from '../../storage/store.ts';
import type { Caller } from './caller.ts';
import type { GroupInfo } from './groups/group-model.ts';

/** Methods of an actor `T` as callable through a reference: always async, args and result JSON. */
export interface ActorRef<T> {
  call<K extends keyof T & string>(
    method: K,
    ...args: T[K] extends (...a: infer A) => unknown ? A : never
  ): Promise<T[K] extends (...a: never[]) => infer R ? Awaited<R> : never>;
}

export interface Actors {
  inbox(userId: string): ActorRef<InboxActor>;
  group(groupId: string): ActorRef<GroupActor>;
}

export interface C2CDeliverOptions {
  /** Seconds the entry is stored (offline delivery and roaming history); 0 = online only: not stored, no SEQ. */
  readonly storeS: number;
  /**
   * Seconds during which devices that sync receive it, at most `storeS`: shorter when MsgLifeTime
   * bounds offline delivery while roaming history keeps the message.
   */
  readonly offlineS: number;
  /** Push to the user's online devices. */
  readonly pushLive: boolean;
  /** Window in which the same sender + random is recognised as a retry, seconds. */
  readonly dedupWindowS: number;
}

export interface C2CDelivery {
  /** SEQ in this inbox; 0 when online-only. */
  readonly seq: number;
  /** The message as stored: on a retried send, the original (its MsgKey and time). */
  readonly message: C2CMessage;
  readonly duplicate: boolean;
}

/** A user's inbox actor: owns the `u:<userId>` stream and the user's online devices. */
export interface InboxActor {
  /** Appends a C2C message (received or sent) to this inbox; rejects with 70107/90012-style errors if the account is unknown. */
  deliverC2C(message: C2CMessage, opts: C2CDeliverOptions): Promise<C2CDelivery>;
  /** Appends a notice (group joined/left) and pushes it to online devices. */
  appendNotice(notice: InboxNotice): Promise<{ seq: number }>;
  /** Pushes an event to online devices without storing it. */
  pushLive(event: StreamEvent): Promise<void>;
  /** Closes every device session (REST kick). */
  kickDevices(): Promise<void>;
  /** Publishes the inbox's events that may be missing (the emission backlog sweep). */
  flushEvents(): Promise<void>;
}

export interface CreateGroupSpec {
  readonly groupId: string;
  /**
   * Names this create request: an attempt that finds the group already made by the same request
   * (its earlier attempt applied but the answer was lost, or a retry raced it) answers success.
   */
  readonly requestId: string;
  readonly idWasChosen: boolean;
  readonly type: GroupType;
  readonly owner: string;
  readonly operator: string;
  readonly name: string;
  readonly introduction: string;
  readonly notification: string;
  readonly faceUrl: string;
  readonly maxMemberCount: number;
  readonly applyJoinOption: string;
  readonly appDefinedData: Readonly<Record<string, string>>;
  readonly members: readonly { userId: string; role: MemberRole; appMemberDefinedData: Readonly<Record<string, string>> }[];
}

export interface AddMembersResult {
  /** Per requested account: 0 failed, 1 added, 2 already a member (Tencent's add_group_member Result). */
  readonly results: readonly { userId: string; result: 0 | 1 | 2 }[];
}

export interface GroupSendSpec {
  readonly caller: Caller;
  readonly from: string;
  readonly random: number;
  readonly body: GroupMessage['body'];
  readonly cloudCustomData?: string;
  readonly priority: GroupMessage['priority'];
  readonly onlineOnly: boolean;
  readonly atInfo?: readonly GroupAt[];
  readonly forbidBeforeCallback: boolean;
  readonly forbidAfterCallback: boolean;
}

export interface GroupSendResult {
  /** 0 for online-only messages. */
  readonly seq: number;
  readonly time: number;
}

/** A group's actor: owns the `g:<groupId>` stream, the group profile and its members. */
export interface GroupActor {
  create(spec: CreateGroupSpec): Promise<{ groupId: string }>;
  /** The group's info with its member list; rejects 10010 if there is no such group. */
  info(): Promise<GroupInfo>;
  addMembers(operator: Caller, userIds: readonly string[], silence: boolean): Promise<AddMembersResult>;
  removeMembers(operator: Caller, userIds: readonly string[], silence: boolean, reason: string): Promise<void>;
  sendMessage(spec: GroupSendSpec): Promise<GroupSendResult>;
  /** Publishes the group's events that may be missing (the emission backlog sweep). */
  flushEvents(): Promise<void>;
}
