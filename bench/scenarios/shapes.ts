/**
 * The rate-driven scenario shapes: who the users are, what is created on the server before the
 * clients log in (accounts, the group), and how the users are split over the workers. The same
 * shape is run against Parley and against the bare baseline (which needs no preparation).
 */
import type { SessionSpec, TargetKind } from '../driver/protocol.ts';
import type { RestClient } from '../servers/rest-client.ts';
import type { ModeParams } from '../scenarios.ts';

export type RateScenarioName = 'c2c' | 'group-fanout' | 'group-large' | 'avchatroom' | 'rest-sendmsg' | 'rest-send_group_msg';

export interface Shape {
  readonly name: RateScenarioName;
  /** What the bare baseline of this shape is called in reports. */
  readonly baseline: string;
  readonly deliveriesPerMessage: number;
  readonly startRate: number;
  readonly p99BoundMs: number;
  readonly checkRates: readonly number[];
  readonly describe: string;
  /** Also report the server's RSS growth over the logins, per client (e.g. per audience member). */
  readonly rssPerClient?: boolean;
  /** Creates what the scenario needs on the server (Parley only) and returns each worker's session. */
  prepare(target: TargetKind, rest: RestClient | undefined, workers: number): Promise<SessionSpec[]>;
}

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const share = <T>(list: readonly T[], workers: number, w: number): T[] => list.filter((_, i) => i % workers === w);
const perWorker = <T>(workers: number, f: (w: number) => T): T[] => Array.from({ length: workers }, (_, w) => f(w));

async function importAccounts(rest: RestClient, accounts: readonly string[]): Promise<void> {
  for (let i = 0; i < accounts.length; i += 100) await rest.ok('im_open_login_svc/multiaccount_import', { Accounts: accounts.slice(i, i + 100) });
}

/**
 * A ChatRoom ("Meeting") group by default: stored history readable by every member and no stored
 * join tips, so the group stream holds exactly the bench's messages (SEQ 1..n). A Public group
 * (group-large) gets its members added with `Silence: 1`, so no join tips are stored either.
 */
async function createGroup(rest: RestClient, name: string, members: readonly string[], type: 'ChatRoom' | 'Public' = 'ChatRoom'): Promise<string> {
  await importAccounts(rest, members);
  const [owner, ...rest0] = members;
  const created = await rest.ok('group_open_http_svc/create_group', {
    Owner_Account: owner,
    Type: type,
    Name: name,
    MaxMemberCount: Math.max(2000, members.length),
    MemberList: rest0.slice(0, 99).map((m) => ({ Member_Account: m })),
  });
  const groupId = String(created.GroupId);
  const more = rest0.slice(99);
  for (let i = 0; i < more.length; i += 300) {
    await rest.ok('group_open_http_svc/add_group_member', { GroupId: groupId, Silence: 1, MemberList: more.slice(i, i + 300).map((m) => ({ Member_Account: m })) });
  }
  return groupId;
}

/** An AVChatRoom with no members: its audience joins from the client (the SDK's `joinGroup`). */
async function createAvChatRoom(rest: RestClient, name: string, owner: string, audience: readonly string[]): Promise<string> {
  await importAccounts(rest, [owner, ...audience]);
  const created = await rest.ok('group_open_http_svc/create_group', { Owner_Account: owner, Type: 'AVChatRoom', Name: name, MaxMemberCount: Math.max(1_000_000, audience.length) });
  return String(created.GroupId);
}

export function shapes(p: ModeParams): Shape[] {
  const c2c = p.c2c;
  const g = p.groupFanout;
  const gl = p.groupLarge;
  const av = p.avchatroom;
  const r = p.restSend;
  return [
    {
      name: 'c2c',
      baseline: 'echo room',
      deliveriesPerMessage: 1,
      startRate: c2c.startRate,
      p99BoundMs: c2c.p99BoundMs,
      checkRates: c2c.checkRates ?? [],
      describe: `${c2c.users} users in pairs, each sending to its peer over its own connection (client op c2c.send)`,
      async prepare(_target, _rest, workers) {
        const users = ids('c2c_u', c2c.users);
        const pairs = Array.from({ length: users.length / 2 }, (_, i) => [users[2 * i], users[2 * i + 1]] as const);
        return perWorker(workers, (w) => ({ kind: 'c2c', pairs: share(pairs, workers, w) }));
      },
    },
    {
      name: 'group-fanout',
      baseline: 'broadcast room',
      deliveriesPerMessage: g.online,
      startRate: g.startRate,
      p99BoundMs: g.p99BoundMs,
      checkRates: g.checkRates ?? [],
      describe: `one ChatRoom group of ${g.members} members, ${g.online} online (each a real client), ${g.senders} of them sending (client op group.send)`,
      async prepare(target, rest, workers) {
        const members = ids('fan_m', g.members);
        const groupId = target === 'parley' && rest ? await createGroup(rest, 'fan-out', members) : 'bench-fanout';
        const online = members.slice(0, g.online);
        const senders = online.slice(0, g.senders);
        return perWorker(workers, (w) => ({ kind: 'group', groupId, online: share(online, workers, w), senders: share(senders, workers, w) }));
      },
    },
    {
      name: 'group-large',
      baseline: 'broadcast room',
      deliveriesPerMessage: gl.online,
      startRate: gl.startRate,
      p99BoundMs: gl.p99BoundMs,
      checkRates: gl.checkRates ?? [],
      describe: `one Public group of ${gl.members} members (created with 99, then add_group_member 300 at a time, Silence 1), ${gl.online} online (each a real client), ${gl.senders} of them sending (client op group.send)`,
      async prepare(target, rest, workers) {
        const members = ids('big_m', gl.members);
        const groupId = target === 'parley' && rest ? await createGroup(rest, 'large', members, 'Public') : 'bench-large';
        const online = members.slice(0, gl.online);
        const senders = online.slice(0, gl.senders);
        return perWorker(workers, (w) => ({ kind: 'group', groupId, online: share(online, workers, w), senders: share(senders, workers, w) }));
      },
    },
    {
      name: 'avchatroom',
      baseline: 'broadcast room',
      deliveriesPerMessage: av.audience,
      startRate: av.startRate,
      p99BoundMs: av.p99BoundMs,
      checkRates: av.checkRates ?? [],
      rssPerClient: true,
      describe: `one AVChatRoom with an audience of ${av.audience} clients, each logged in and joined from the client (joinGroup → audience), ${av.senders} of them sending (client op group.send; live only, SEQ 0)`,
      async prepare(target, rest, workers) {
        const audience = ids('av_a', av.audience);
        const groupId = target === 'parley' && rest ? await createAvChatRoom(rest, 'live', 'av_owner', audience) : 'bench-av';
        const senders = audience.slice(0, av.senders);
        return perWorker(workers, (w) => ({ kind: 'audience', groupId, audience: share(audience, workers, w), senders: share(senders, workers, w) }));
      },
    },
    {
      name: 'rest-sendmsg',
      baseline: 'bare REST route',
      deliveriesPerMessage: 1,
      startRate: r.startRate,
      p99BoundMs: r.p99BoundMs,
      checkRates: r.checkRates ?? [],
      describe: `REST openim/sendmsg over ${r.httpConnections} keep-alive connections per worker, from ${r.receivers} offline senders to ${r.receivers} online receivers`,
      async prepare(target, rest, workers) {
        const receivers = ids('rc_r', r.receivers);
        const senders = ids('rc_s', r.receivers);
        if (target === 'parley' && rest) await importAccounts(rest, [...receivers, ...senders]);
        return perWorker(workers, (w) => ({
          kind: 'rest-c2c',
          receivers: share(receivers, workers, w),
          senders: share(senders, workers, w),
          httpConnections: r.httpConnections,
        }));
      },
    },
    {
      name: 'rest-send_group_msg',
      baseline: 'bare REST route + broadcast room',
      deliveriesPerMessage: r.groupMembers,
      startRate: r.startRate,
      p99BoundMs: r.p99BoundMs,
      checkRates: [],
      describe: `REST group_open_http_svc/send_group_msg to a ChatRoom group of ${r.groupMembers} members, all online`,
      async prepare(target, rest, workers) {
        const members = ids('rg_m', r.groupMembers);
        const groupId = target === 'parley' && rest ? await createGroup(rest, 'rest-group', members) : 'bench-rest-group';
        return perWorker(workers, (w) => ({
          kind: 'rest-group',
          groupId,
          receivers: share(members, workers, w),
          from: members[0],
          httpConnections: r.httpConnections,
        }));
      },
    },
  ];
}
