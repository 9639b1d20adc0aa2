/**
 * im_push end to end (issue 17): real servers, real SDK clients over sockets. Who receives a push
 * (everyone, tags, attributes), online-only vs stored for offline devices, the quota, the task's
 * progress, bad requests, and a crash in the middle of a delivery job.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { BroadcastMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { Op } from '../../src/protocol/client-ops.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { eventually, text } from '../helpers/wait.ts';

const broadcasts = (events: readonly StreamEvent[], taskId: string): StreamEvent[] =>
  events.filter((e) => e.stream === 'b:all' && (e.entry as BroadcastMessage).taskId === taskId);

let nextRandom = 1;
const push = (server: ParleyProcess, fields: Record<string, unknown>) =>
  server.rest('all_member_push/im_push', { MsgRandom: nextRandom++, MsgBody: text('hello everyone'), ...fields });

/**
 * Waits until each client has handed on every live event sent to it so far: a request's answer
 * comes after them on the socket (a job recorded done has handed its push to every socket it meant
 * to), and a sync waits for the pull an event after a gap started (the SDK holds such an event
 * until the pull has filled the gap).
 */
const settled = (clients: readonly ParleyClient[]) =>
  Promise.all(
    clients.map(async (c) => {
      await c.call(Op.Groups, {});
      await c.sync();
    }),
  );

const taskDone = (server: ParleyProcess, taskId: string) =>
  eventually(async () => expect(await server.rest('all_member_push/im_get_push_task', { TaskId: taskId })).toMatchObject({ ErrorCode: 0, State: 'Done' }), 15_000);

describe.each(storeModes())('im_push (%s store)', (mode) => {
  const run = `${process.pid}${Date.now() % 100_000}`;
  const [sex, city] = ['sex', 'city'].map((n) => `${n}${run}`);
  const [vip, eu] = ['vip', 'eu'].map((t) => `${t}${run}`);
  const ids = ['ann', 'ben', 'cid', 'dan'].map((n) => `${n}${run}`);
  const [ann, ben, cid, dan] = ids;
  const eve = `eve${run}`;
  const fay = `fay${run}`;
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  let online: Map<string, Online>;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_PUSH_GAP_MS: '1', PARLEY_PUSH_PER_DAY: '1000' } });
    await server.importAccounts([eve, fay]);
    const rest = async (command: string, body: unknown) => expect(await server.rest(`all_member_push/${command}`, body)).toMatchObject({ ErrorCode: 0 });
    await rest('im_set_attr_name', { AttrNames: { '0': sex, '1': city } });
    const users = await onlineUsers(server, clients, ids);
    online = new Map(ids.map((id, i) => [id, users[i]]));
    await rest('im_set_attr', {
      UserAttrs: [
        { To_Account: ann, Attrs: { [sex]: 'f', [city]: 'Paris' } },
        { To_Account: ben, Attrs: { [sex]: 'm', [city]: 'Lyon' } },
        { To_Account: cid, Attrs: { [sex]: 'm', [city]: 'Paris' } },
      ],
    });
    await rest('im_add_tag', { UserTags: [{ To_Account: ann, Tags: [vip, eu] }, { To_Account: ben, Tags: [vip] }, { To_Account: cid, Tags: [eu] }, { To_Account: eve, Tags: [vip] }] });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  /** Pushes, waits for its job to finish, and answers who of the online users received it (each once at most). */
  async function reached(fields: Record<string, unknown>): Promise<string[]> {
    const res = await push(server, fields);
    expect(res).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const taskId = res.TaskId as string;
    await taskDone(server, taskId);
    await settled(ids.map((id) => online.get(id)!.c));
    const got = ids.filter((id) => broadcasts(online.get(id)!.events, taskId).length > 0);
    for (const id of got) expect(broadcasts(online.get(id)!.events, taskId)).toHaveLength(1);
    return got;
  }

  it('reaches every online user without a condition, and only the matching ones with one', async () => {
    expect(await reached({})).toEqual(ids);
    expect(await reached({ Condition: { TagsOr: [vip] } })).toEqual([ann, ben]);
    expect(await reached({ Condition: { TagsAnd: [vip, eu] } })).toEqual([ann]);
    expect(await reached({ Condition: { TagsOr: [eu], TagsAnd: [vip] } })).toEqual([ann]);
    expect(await reached({ Condition: { AttrsOr: { [city]: 'Paris' } } })).toEqual([ann, cid]);
    expect(await reached({ Condition: { AttrsOr: { [city]: 'Lyon', [sex]: 'f' } } })).toEqual([ann, ben]);
    expect(await reached({ Condition: { AttrsAnd: { [sex]: 'm', [city]: 'Paris' } } })).toEqual([cid]);
    expect(await reached({ Condition: { TagsOr: [`nobody${run}`] } })).toEqual([]);
  });

  it('delivers the message as pushed, with its sender, and answers a TaskId naming it', async () => {
    const res = await push(server, { From_Account: ann, MsgBody: text('sale starts now'), Condition: { TagsOr: [eu] } });
    const taskId = res.TaskId as string;
    expect(taskId).toMatch(/^\d+_\d+_\d+_\d+$/);
    await taskDone(server, taskId);
    await settled([online.get(cid)!.c]);
    const [ev] = broadcasts(online.get(cid)!.events, taskId);
    expect(ev.seq).toBeGreaterThan(0);
    expect(ev.entry).toMatchObject({ kind: 'broadcast', taskId, from: ann, body: text('sale starts now') });
    expect(ev.entry).not.toHaveProperty('condition');
    const task = await server.rest('all_member_push/im_get_push_task', { TaskId: taskId });
    expect(task).toMatchObject({ State: 'Done', OnlineUserNum: expect.any(Number), DeliveredOnlineNum: 2 });
    expect(task.CheckedUserNum).toBe(task.OnlineUserNum);
    expect(task.FinishTime as number).toBeGreaterThanOrEqual(task.CreateTime as number);
  });

  it('keeps a push for offline targets for its MsgLifeTime, and an online-only one for nobody', async () => {
    const stored = await push(server, { MsgLifeTime: 3600, MsgBody: text('for vips, kept'), Condition: { TagsOr: [vip] } });
    const onlineOnly = await push(server, { MsgBody: text('for vips, now only'), Condition: { TagsOr: [vip] } });
    await taskDone(server, stored.TaskId as string);
    await taskDone(server, onlineOnly.TaskId as string);
    const [later, notTargeted] = await Promise.all(
      [eve, fay].map(async (id) => {
        const events: StreamEvent[] = [];
        const c = await server.login(id, { onEvent: (ev) => events.push(ev) });
        clients.push(c);
        await c.sync();
        return events;
      }),
    );
    expect(broadcasts(later, stored.TaskId as string)).toHaveLength(1);
    expect(broadcasts(later, onlineOnly.TaskId as string)).toHaveLength(0);
    // fay is no vip: her device syncs nothing of it.
    expect(broadcasts(notTargeted, stored.TaskId as string)).toHaveLength(0);
  });

  it('answers a retry (same MsgRandom) with the first TaskId and stores nothing new', async () => {
    const first = await server.rest('all_member_push/im_push', { MsgRandom: 4_000_000_001, MsgBody: text('once') });
    const again = await server.rest('all_member_push/im_push', { MsgRandom: 4_000_000_001, MsgBody: text('once') });
    expect(again).toMatchObject({ ErrorCode: 0, TaskId: first.TaskId });
    const next = await push(server, {});
    const seqOf = (taskId: unknown) => Number(String(taskId).split('_')[1]);
    expect(seqOf(next.TaskId)).toBe(seqOf(first.TaskId) + 1);
  });

  it('refuses bad pushes with Tencent’s codes and stores none of them', async () => {
    const before = await push(server, {});
    const cases: [Record<string, unknown>, number][] = [
      [{ Condition: { TagsOr: [vip], AttrsOr: { [sex]: 'f' } } }, 90039],
      [{ Condition: { TagsOr: Array.from({ length: 11 }, (_, i) => `t${i}`) } }, 90032],
      [{ Condition: { TagsAnd: [vip, ''] } }, 90040],
      [{ Condition: { TagsOr: ['x'.repeat(51)] } }, 90020],
      [{ Condition: { TagsOr: [vip, vip] } }, 90022],
      [{ Condition: { AttrsAnd: { [`unnamed${run}`]: 'x' } } }, 90033],
      [{ Condition: { AttrsOr: { [sex]: 'v'.repeat(51) } } }, 90030],
      [{ Condition: { TagsOr: 'vip' } }, 90010],
      [{ Condition: 'vip' }, 90010],
      [{ MsgLifeTime: 604_801 }, 90026],
      [{ MsgLifeTime: -1 }, 90044],
      [{ MsgLifeTime: 1.5 }, 90044],
      [{ MsgRandom: 'x' }, 90005],
      [{ MsgBody: 'hello' }, 90007],
      [{ MsgBody: [{ MsgType: 'TIMTextElem' }] }, 90002],
      [{ From_Account: `ghost${run}` }, 90008],
      [{ OfflinePushInfo: 'push' }, 90043],
    ];
    for (const [fields, code] of cases) expect([fields, (await push(server, fields)).ErrorCode]).toEqual([fields, code]);
    const { ErrorCode: missingRandom } = await server.rest('all_member_push/im_push', { MsgBody: text('no random') });
    expect(missingRandom).toBe(90005);
    const after = await push(server, {});
    expect(Number(String(after.TaskId).split('_')[1])).toBe(Number(String(before.TaskId).split('_')[1]) + 1);
    for (const taskId of ['', 'nope', `${String(after.TaskId).replace(/_\d+$/, '_1')}`, '1_1_1_1']) {
      expect((await server.rest('all_member_push/im_get_push_task', { TaskId: taskId })).ErrorCode).toBe(90010);
    }
  });
});

describe.each(storeModes())('im_push quota and crashes (%s store)', (mode) => {
  const clients: ParleyClient[] = [];
  const servers: ParleyProcess[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('holds calls to the gap and the daily quota, across a restart; a retry costs nothing', async () => {
    const server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_PUSH_GAP_MS: '400', PARLEY_PUSH_PER_DAY: '3' } });
    servers.push(server);
    const pause = () => new Promise((r) => setTimeout(r, 450));
    const first = await push(server, {});
    expect(first.ErrorCode).toBe(0);
    expect(await push(server, {})).toMatchObject({ ErrorCode: 90024 });
    const retry = await server.rest('all_member_push/im_push', { MsgRandom: nextRandom - 2, MsgBody: text('hello everyone') });
    expect(retry).toMatchObject({ ErrorCode: 0, TaskId: first.TaskId });
    await pause();
    expect((await push(server, {})).ErrorCode).toBe(0);
    await pause();
    expect((await push(server, {})).ErrorCode).toBe(0);
    await pause();
    expect(await push(server, {})).toMatchObject({ ErrorCode: 90047 });
    await server.restart();
    expect(await push(server, {})).toMatchObject({ ErrorCode: 90047 });
  });

  it('after a crash in the middle of a job, every targeted user has the push exactly once', async () => {
    const server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_FAULT: 'exit-mid-broadcast', PARLEY_BROADCAST_CHUNK: '2' } });
    servers.push(server);
    const ids = Array.from({ length: 6 }, (_, i) => `crash${process.pid}u${i}`);
    const users = await onlineUsers(server, clients, ids);
    const res = await push(server, { MsgLifeTime: 3600, MsgBody: text('survives a crash') });
    expect(res.ErrorCode).toBe(0);
    const taskId = res.TaskId as string;
    await eventually(async () => expect(await fetch(`${server.url}/health`).then(() => 'up', () => 'down')).toBe('down'), 15_000);
    // Only the first chunk (2 users) was handed the push before the crash.
    expect(users.filter((u) => broadcasts(u.events, taskId).length > 0).length).toBeLessThanOrEqual(2);

    await server.restartWith({ PARLEY_FAULT: '' });
    await taskDone(server, taskId);
    await eventually(async () => {
      for (const u of users) expect(broadcasts(u.events, taskId)).toHaveLength(1);
    }, 20_000);
    // Later syncs and the job's end add nothing.
    await Promise.all(users.map((u) => u.c.sync()));
    for (const u of users) expect(broadcasts(u.events, taskId)).toHaveLength(1);
  });
});
