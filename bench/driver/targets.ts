/**
 * The two systems the same driver code runs against: Parley through its client SDK
 * (`ParleyClient`, `/connect` + inbox room) and the bare Colyseus baseline through `@colyseus/sdk`
 * directly (`/connect` of bare-server.ts + echo/broadcast/idle room). Both hand every received
 * entry to one sink as a `Delivery`.
 */
import './node-websocket.ts';
import { Client, type Room } from '@colyseus/sdk';
import { signUserSig } from '../../src/auth/user-sig.ts';
import { ParleyClient } from '../../src/client/parley-client.ts';
import { escapeId } from '../../src/cluster/room-ids.ts';
import type { MsgElem, StreamEvent } from '../../src/protocol/entries.ts';
import type { TargetSpec } from './protocol.ts';
import { centrifugoTarget } from '../peer/centrifugo-target.ts';

export type { BenchClient, Delivery, DeliverySink, LoginOptions, Role, Target } from './target.ts';
import type { Role, Target } from './target.ts';

export const customBody = (data: string): MsgElem[] => [{ MsgType: 'TIMCustomElem', MsgContent: { Data: data } }];

export function createTarget(spec: TargetSpec): Target {
  if (spec.kind === 'centrifugo') return centrifugoTarget(spec);
  return spec.kind === 'parley' ? parleyTarget(spec) : bareTarget(spec);
}

// ---- Parley --------------------------------------------------------------------------------------

function dataOf(ev: StreamEvent): { data: string | undefined; from: string | undefined } {
  const e = ev.entry;
  if (e.kind !== 'c2c' && e.kind !== 'group' && e.kind !== 'broadcast') return { data: undefined, from: undefined };
  const d = e.body[0]?.MsgContent.Data;
  return { data: typeof d === 'string' ? d : undefined, from: e.from };
}

function parleyTarget(spec: TargetSpec): Target {
  const sig = (user: string): string => signUserSig({ sdkAppId: spec.identity.sdkAppId, key: spec.identity.secretKey, identifier: user });
  return {
    async login(user, role, sink, o = {}) {
      const client = await ParleyClient.login({
        endpoint: spec.endpoint,
        userId: user,
        userSig: sig(user),
        platform: 'Linux',
        pageSize: o.pageSize,
        requestTimeoutMs: 30_000,
        onEvent: (ev) => sink({ device: user, stream: ev.stream, seq: ev.seq, ...dataOf(ev) }),
      });
      if (role.kind === 'audience') {
        // An AVChatRoom keeps no member list: the audience joins from the client in each session.
        const joined = await client.joinGroup(role.groupId).catch(async (e: unknown) => {
          await client.close().catch(() => undefined);
          throw e;
        });
        if (!joined.audience) {
          await client.close().catch(() => undefined);
          throw new Error(`joinGroup(${role.groupId}) did not join the audience: ${JSON.stringify(joined)}`);
        }
      }
      return {
        async send(data, random) {
          if (role.kind === 'c2c') return (await client.sendC2C(role.peer, customBody(data), { random })).seq;
          if (role.kind === 'group' || role.kind === 'audience') return (await client.sendGroup(role.groupId, customBody(data), { random })).seq;
          throw new Error('an idle client does not send');
        },
        close: () => client.close(),
      };
    },
    stream: (user, role) => (role.kind === 'group' || role.kind === 'audience' ? `g:${role.groupId}` : `u:${user}`),
  };
}

// ---- bare Colyseus -------------------------------------------------------------------------------

const pairKey = (a: string, b: string): string => (a < b ? `${a}~${b}` : `${b}~${a}`);

function bareRoom(user: string, role: Role): { room: string; key: string } {
  if (role.kind === 'c2c') return { room: 'echo', key: pairKey(user, role.peer) };
  // The bare baseline of an AVChatRoom audience is the same broadcast room as a group's.
  if (role.kind === 'group' || role.kind === 'audience') return { room: 'broadcast', key: role.groupId };
  return { room: 'idle', key: user };
}

interface BareEvent {
  readonly stream: string;
  readonly data: string;
}

function bareTarget(spec: TargetSpec): Target {
  return {
    async login(user, role, sink) {
      const { room: kind, key } = bareRoom(user, role);
      const res = await fetch(`${spec.endpoint}/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ UserID: user, Room: kind, RoomId: key }),
      });
      const body = (await res.json()) as { ErrorCode: number; ErrorInfo: string; SeatReservation?: unknown };
      if (body.ErrorCode !== 0 || !body.SeatReservation) throw new Error(`bare /connect: ${body.ErrorCode} ${body.ErrorInfo}`);
      const room: Room = await new Client(spec.endpoint).consumeSeatReservation(body.SeatReservation as Parameters<Client['consumeSeatReservation']>[0]);
      room.onMessage('ev', (ev: BareEvent) => sink({ device: user, stream: ev.stream, seq: 0, data: ev.data, from: undefined }));
      return {
        async send(data) {
          await room.request('send', { data }, { timeout: 30_000 });
          return 0;
        },
        async close() {
          await room.leave(true).catch(() => undefined);
        },
      };
    },
    stream(user, role) {
      if (role.kind === 'idle') return `u:${user}`;
      const { room, key } = bareRoom(user, role);
      return `${room}_${escapeId(key)}`;
    },
  };
}
