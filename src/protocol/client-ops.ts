/**
 * The client protocol over the inbox room: request/response operations (`room.request(REQUEST,
 * {op, args})`, answered with the result or rejected with a `WireError` — an unknown `op` too, with
 * 60009) and the events the server pushes. Argument schemas are shared by server (validation) and
 * SDK (types).
 */
import { z } from 'zod';
import type { StreamEvent } from './entries.ts';
import { isValidGroupId, isValidUserId } from './ids.ts';

export const Op = {
  SendC2C: 'c2c.send',
  SendGroup: 'group.send',
  Sync: 'sync',
  GroupPull: 'group.pull',
  Groups: 'groups',
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** The one Colyseus request type every operation travels in; its payload is an `OpRequest`. */
export const REQUEST = 'op';

/** Payload of a `REQUEST`: which operation, with its arguments. */
export interface OpRequest {
  readonly op: string;
  readonly args?: unknown;
}

/** Server → client message types. */
export const ServerMessage = {
  /** A `StreamEvent`: a new entry in one of the user's streams (inbox or a group). */
  Event: 'ev',
} as const;

const u32 = z.number().int().min(0).max(0xffffffff);
const userId = z.string().refine(isValidUserId, 'must be a UserID: 1 to 32 bytes of well-formed text');
const groupId = z.string().refine(isValidGroupId, 'must be a group id: 1 to 48 bytes of printable ASCII');
const msgElem = z.object({ MsgType: z.string(), MsgContent: z.record(z.string(), z.unknown()) });

export const sendC2CArgs = z.object({
  to: userId,
  body: z.array(msgElem).min(1),
  random: u32.optional(),
  msgSeq: u32.optional(),
  cloudCustomData: z.string().optional(),
  /** Deliver to online devices only; nothing is stored. */
  onlineOnly: z.boolean().optional(),
});
export type SendC2CArgs = z.infer<typeof sendC2CArgs>;
export interface SendC2CResult {
  readonly msgKey: string;
  readonly time: number;
  /** SEQ of the sender's copy in the sender's inbox stream (0 when online-only). */
  readonly seq: number;
}

export const sendGroupArgs = z.object({
  groupId,
  body: z.array(msgElem).min(1),
  random: u32.optional(),
  cloudCustomData: z.string().optional(),
  priority: z.enum(['High', 'Normal', 'Low', 'Lowest']).optional(),
  onlineOnly: z.boolean().optional(),
});
export type SendGroupArgs = z.infer<typeof sendGroupArgs>;
export interface SendGroupResult {
  readonly seq: number;
  readonly time: number;
}

export const syncArgs = z.object({
  after: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type SyncArgs = z.infer<typeof syncArgs>;

export const groupPullArgs = syncArgs.extend({ groupId });
export type GroupPullArgs = z.infer<typeof groupPullArgs>;

/**
 * A page of a stream. Every stored entry with `after < seq <= through` is in `events`; SEQs in
 * that range that are missing expired or were never visible to this reader. `head` is the
 * stream's highest SEQ: when `through < head`, ask again with `after = through`.
 */
export interface StreamPage {
  readonly events: readonly StreamEvent[];
  readonly through: number;
  readonly head: number;
}

export interface JoinedGroup {
  readonly groupId: string;
  readonly type: string;
  readonly name: string;
  /** The group's highest SEQ now. */
  readonly head: number;
  /** The member sees entries with SEQ above this. */
  readonly readableAfter: number;
}
export interface GroupsResult {
  readonly groups: readonly JoinedGroup[];
}

export const groupsArgs = z.object({}).optional();

/** Arguments and results per op, for the SDK's typed `call`. */
export interface OpTypes {
  [Op.SendC2C]: { args: SendC2CArgs; result: SendC2CResult };
  [Op.SendGroup]: { args: SendGroupArgs; result: SendGroupResult };
  [Op.Sync]: { args: SyncArgs; result: StreamPage };
  [Op.GroupPull]: { args: GroupPullArgs; result: StreamPage };
  [Op.Groups]: { args: Record<string, never>; result: GroupsResult };
}

/** Body of `POST /connect`. */
export const connectRequest = z.object({
  UserID: userId,
  UserSig: z.string(),
  Platform: z.enum(['iOS', 'Android', 'Web', 'Windows', 'Mac', 'iPad', 'Linux']).optional(),
});
export type ConnectRequest = z.infer<typeof connectRequest>;
export type Platform = NonNullable<ConnectRequest['Platform']>;
