/**
 * The bare Colyseus baseline: the same transport as Parley (Colyseus 0.18, ws-transport, express
 * routes) with nothing else — no UserSig, no storage, no SEQ. The bench drives it with the same
 * client code to show what the transport alone can do:
 * - `echo` room (one per pair): a client's `send` request is pushed to the other client and acked;
 * - `broadcast` room (one per group): a client's `send` request is broadcast to every client, sender included;
 * - `idle` room (one per user): holds a connection, and receives REST-shaped pushes;
 * - `POST /connect {UserID, Room, RoomId}`: creates the room if needed and answers a seat reservation;
 * - `POST /v4/openim/sendmsg` and `/v4/group_open_http_svc/send_group_msg`: parse the JSON body and
 *   push it to the receiver's idle room or the group's broadcast room (no auth, nothing stored) —
 *   a trivial `node:http` handler in front of Colyseus's router, the same place Parley answers `/v4`.
 * Prints `bare server listening on port <n>`; port from `PARLEY_PORT` (0 = any), like Parley.
 */
import { type Client, Room, defineRoom, defineServer, matchMaker } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import { answerFirst } from '../../src/api/rest-router.ts';
import { escapeId } from '../../src/cluster/room-ids.ts';

/** What every push carries: the same shape the bench reads from Parley's `ev` (no SEQ: always 0). */
interface BareEvent {
  readonly stream: string;
  readonly seq: 0;
  readonly data: string;
}

interface SendArgs {
  readonly data: string;
}

const ROOM_KINDS = ['echo', 'broadcast', 'idle'] as const;
type RoomKind = (typeof ROOM_KINDS)[number];

abstract class BareRoom extends Room {
  override onCreate(options: { id: string }): void {
    this.roomId = options.id;
  }

  pushAll(event: BareEvent, except?: Client): void {
    for (const c of this.clients) if (c !== except) c.send('ev', event);
  }
}

class EchoRoom extends BareRoom {
  override onCreate(options: { id: string }): void {
    super.onCreate(options);
    this.onMessage('send', (client: Client, args: SendArgs) => {
      this.pushAll({ stream: this.roomId, seq: 0, data: args.data }, client);
      return { ok: 1 };
    });
  }
}

class BroadcastRoom extends BareRoom {
  override onCreate(options: { id: string }): void {
    super.onCreate(options);
    this.onMessage('send', (_client: Client, args: SendArgs) => {
      this.broadcast('ev', { stream: this.roomId, seq: 0, data: args.data } satisfies BareEvent);
      return { ok: 1 };
    });
  }
}

class IdleRoom extends BareRoom {}

const roomId = (kind: RoomKind, key: string): string => `${kind}_${escapeId(key)}`;

/** Room creations in flight, so the two users of a pair create their echo room once. */
const creating = new Map<string, Promise<unknown>>();

async function ensureRoom(kind: RoomKind, id: string): Promise<void> {
  if (matchMaker.getLocalRoomById(id)) return;
  let pending = creating.get(id);
  if (!pending) {
    pending = matchMaker.createRoom(kind, { id }).finally(() => creating.delete(id));
    creating.set(id, pending);
  }
  await pending;
}

function dataOf(body: unknown): string {
  const elem = (body as { MsgBody?: { MsgContent?: { Data?: unknown } }[] }).MsgBody?.[0];
  return typeof elem?.MsgContent?.Data === 'string' ? elem.MsgContent.Data : '';
}

function routes(app: express.Application): void {
  app.use(express.json({ limit: '64kb' }));
  app.post('/connect', (req: Request, res: Response) => {
    const { UserID, Room: kind, RoomId } = req.body as { UserID?: string; Room?: RoomKind; RoomId?: string };
    if (!UserID || !kind || !ROOM_KINDS.includes(kind)) {
      res.json({ ActionStatus: 'FAIL', ErrorCode: 60003, ErrorInfo: 'UserID and Room required' });
      return;
    }
    const id = roomId(kind, RoomId ?? UserID);
    ensureRoom(kind, id)
      .then(() => matchMaker.joinById(id, {}))
      .then(
        (reservation) => res.json({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', SeatReservation: reservation }),
        (e: unknown) => res.json({ ActionStatus: 'FAIL', ErrorCode: 70500, ErrorInfo: String(e) }),
      );
  });
}

/** The two REST sends, answered straight from `node:http`: read the body, parse it, push, answer. */
function restSend(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  const push = url.startsWith('/v4/openim/sendmsg') ? sendC2c : url.startsWith('/v4/group_open_http_svc/send_group_msg') ? sendGroup : undefined;
  if (!push || req.method !== 'POST') return false;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = JSON.stringify(push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  return true;
}

function sendC2c(body: Record<string, unknown>): Record<string, unknown> {
  const to = String(body.To_Account);
  const room = matchMaker.getLocalRoomById(roomId('idle', to)) as BareRoom | undefined;
  room?.pushAll({ stream: `u:${to}`, seq: 0, data: dataOf(body) });
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgTime: Math.floor(Date.now() / 1000), MsgKey: '' };
}

function sendGroup(body: Record<string, unknown>): Record<string, unknown> {
  const id = roomId('broadcast', String(body.GroupId));
  const room = matchMaker.getLocalRoomById(id) as BareRoom | undefined;
  room?.pushAll({ stream: id, seq: 0, data: dataOf(body) });
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgTime: Math.floor(Date.now() / 1000), MsgSeq: 0 };
}

async function main(): Promise<void> {
  const server = defineServer({
    rooms: { echo: defineRoom(EchoRoom), broadcast: defineRoom(BroadcastRoom), idle: defineRoom(IdleRoom) },
    transport: new WebSocketTransport({ maxPayload: 64 * 1024 }),
    gracefullyShutdown: false,
    greet: false,
    express: routes,
  });
  matchMaker.controller.exposedMethods = ['joinById', 'reconnect'];
  const port = Number(process.env.PARLEY_PORT ?? 0);
  await server.listen(port, process.env.PARLEY_HOST ?? '127.0.0.1');
  const http = server.transport.server;
  if (http) answerFirst(http, restSend);
  const address = http?.address();
  process.stdout.write(`bare server listening on port ${typeof address === 'object' && address ? address.port : port}\n`);
  const stop = (): void => void server.gracefullyShutdown(false).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
