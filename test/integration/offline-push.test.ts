/**
 * Offline push end to end, a real Parley process against local stand-ins of APNs (HTTP/2 + TLS,
 * ES256 JWT checked), FCM (OAuth2 grant and message shape checked) and a Web Push service (VAPID
 * checked, payload decrypted): a user whose iOS, Android and browser devices are all offline gets
 * one push on each for a C2C message, with the title, text, badge and Ext the message named (or
 * derived ones), and for a group message with the group's name; online users and PushFlag 1 get
 * none; a dead FCM token is removed, and query_online_status then shows only the phone that is
 * still reachable; client sends carry OfflinePushInfo too, a malformed one refused (90043, 10004).
 * Embedded (SQLite, in-process logs) and, when the services run, on Cassandra with the push log on
 * Kafka's parley.push.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { testTls } from '../helpers/push-tls.ts';
import { type ApnsStandIn, startApnsStandIn } from '../helpers/apns-stand-in.ts';
import { type FcmStandIn, startFcmStandIn } from '../helpers/fcm-stand-in.ts';
import { type WebPushStandIn, startWebPushStandIn } from '../helpers/web-push-stand-in.ts';
import { cassandraEnv, unavailable } from '../helpers/services.ts';
import { eventually } from '../helpers/wait.ts';

const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const BUNDLE = 'com.example.chat';
const PROJECT = 'parley-push-test';
const CLIENT_EMAIL = `push@${PROJECT}.iam.gserviceaccount.com`;

function modes(): [string, () => Record<string, string>][] {
  const out: [string, () => Record<string, string>][] = [['embedded', () => ({})]];
  if (unavailable('cassandra') === undefined && unavailable('kafka') === undefined) {
    out.push(['cassandra + kafka', () => ({ ...cassandraEnv(), KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '', KAFKA_TOPIC_PREFIX: `push${process.pid}${Date.now().toString(36)}` })]);
  }
  return out;
}

const text = (t: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];

describe.each(modes())('offline push (%s)', (_mode, backEnv) => {
  const tls = testTls();
  const dir = mkdtempSync(join(tmpdir(), 'parley-push-'));
  const vapid = webpush.generateVAPIDKeys();
  let apns: ApnsStandIn;
  let fcm: FcmStandIn;
  let web: WebPushStandIn;
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const rest = (path: string, body: unknown) => server.rest(path, body);
  const send = async (from: string, to: string, body: unknown[], extra: Record<string, unknown> = {}) => {
    const r = await rest('openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: Math.floor(Math.random() * 2 ** 31), MsgBody: body, ...extra });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
  };

  beforeAll(async () => {
    const apnsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const fcmKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    apns = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: apnsKey.publicKey, bundleIds: [BUNDLE] });
    fcm = await startFcmStandIn({ tls, projectId: PROJECT, clientEmail: CLIENT_EMAIL, publicKey: fcmKey.publicKey });
    web = await startWebPushStandIn({ tls });
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content, { mode: 0o600 });
      return join(dir, name);
    };
    const account = { type: 'service_account', project_id: PROJECT, client_email: CLIENT_EMAIL, private_key: fcmKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: fcm.tokenUri };
    server = await ParleyProcess.start({
      env: {
        ...backEnv(),
        PARLEY_APNS_KEY_FILE: file('apns.p8', apnsKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
        PARLEY_APNS_KEY_ID: KEY_ID,
        PARLEY_APNS_TEAM_ID: TEAM,
        PARLEY_APNS_URL: apns.url,
        PARLEY_APNS_SANDBOX_URL: apns.url,
        PARLEY_FCM_SERVICE_ACCOUNT_FILE: file('fcm.json', JSON.stringify(account)),
        PARLEY_FCM_URL: fcm.baseUrl,
        PARLEY_VAPID_PUBLIC_KEY: vapid.publicKey,
        PARLEY_VAPID_PRIVATE_KEY_FILE: file('vapid.key', vapid.privateKey),
        PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com',
        PARLEY_PUSH_CA_FILE: file('ca.pem', tls.ca),
        PARLEY_PUSH_GAP_MS: '1',
      },
    });
    await server.importAccounts(['op_amy', 'op_ben', 'op_cat']);
    await rest('profile/portrait_set', { From_Account: 'op_ben', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Ben' }] });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
    await Promise.all([apns?.close(), fcm?.close(), web?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const amyApnsToken = 'a1'.repeat(32);
  const amyFcmToken = 'amy-fcm-registration-token';
  let amyWeb: { endpoint: string; keys: { p256dh: string; auth: string } };
  const pushesOf = () => ({
    apns: apns.received.filter((r) => r.token === amyApnsToken),
    fcm: fcm.received.filter((r) => r.token === amyFcmToken),
    web: web.received.filter((r) => r.endpoint === amyWeb.endpoint),
  });
  /** Amy's latest push on each provider whose text is `body`. */
  const lastApns = (body: string) => pushesOf().apns.findLast((r) => (r.payload as { aps: { alert: { body: string } } }).aps.alert.body === body);
  const lastFcm = (body: string) => pushesOf().fcm.findLast((r) => (r.message as { notification: { body: string } }).notification.body === body);
  const lastWeb = (body: string) => pushesOf().web.findLast((r) => (r.payload as { body: string }).body === body);

  it('pushes a C2C message to each offline device with the title, text, badge and Ext it names, or derived ones', async () => {
    amyWeb = web.subscribe(vapid.publicKey);
    const phone = await server.login('op_amy', { platform: 'iOS' });
    const tablet = await server.login('op_amy', { platform: 'Android' });
    const browser = await server.login('op_amy', { platform: 'Web' });
    await phone.registerPush({ deviceId: 'amy-phone', target: { provider: 'apns', token: amyApnsToken, bundleId: BUNDLE, environment: 'sandbox' } });
    await tablet.registerPush({ deviceId: 'amy-tablet', target: { provider: 'fcm', token: amyFcmToken } });
    await browser.registerPush({ deviceId: 'amy-browser', target: { provider: 'webpush', ...amyWeb } });
    await Promise.all([phone.close(), tablet.close(), browser.close()]);
    const status = async () => (await rest('openim/query_online_status', { To_Account: ['op_amy'] })).QueryResult;
    await eventually(async () => expect(await status()).toEqual([{ To_Account: 'op_amy', Status: 'PushOnline' }]));

    // The push consumers may still be joining their groups (Kafka): a probe's push shows they run.
    // One user's pushes come in order, so once one probe's has come, no earlier one is still on its way.
    for (let probe = 1; ; probe++) {
      await send('op_ben', 'op_amy', text(`probe ${probe}`));
      const came = await eventually(async () => expect(lastWeb(`probe ${probe}`)).toBeDefined(), 3000).then(() => true, () => false);
      if (came || probe === 20) break;
    }
    const ext = JSON.stringify({ conversation: 'c2c_op_ben', deepLink: 'app://chat/op_ben' });
    await send('op_ben', 'op_amy', text('dinner at 7?'), { OfflinePushInfo: { Title: 'Ben asks', Desc: 'Dinner at 7?', Ext: ext, ApnsInfo: { Sound: 'bell.caf' } } });
    const unread = (await rest('openim/get_c2c_unread_msg_num', { To_Account: 'op_amy' })).AllC2CUnreadMsgNum as number;
    await eventually(async () => expect([lastApns('Dinner at 7?'), lastFcm('Dinner at 7?'), lastWeb('Dinner at 7?')].every(Boolean)).toBe(true));
    const a = lastApns('Dinner at 7?')!;
    expect(a.headers['apns-topic']).toBe(BUNDLE);
    expect(a.headers['apns-push-type']).toBe('alert');
    expect(a.headers['apns-collapse-id']).toBe('c2c_op_ben');
    expect(a.payload).toEqual({ aps: { alert: { title: 'Ben asks', body: 'Dinner at 7?' }, badge: unread, sound: 'bell.caf', 'thread-id': 'c2c_op_ben' }, ext });
    expect(lastFcm('Dinner at 7?')!.message).toMatchObject({ notification: { title: 'Ben asks', body: 'Dinner at 7?' }, data: { ext }, android: { notification: { tag: 'c2c_op_ben', notification_count: unread } } });
    expect(lastWeb('Dinner at 7?')!.payload).toEqual({ title: 'Ben asks', body: 'Dinner at 7?', tag: 'c2c_op_ben', badgeCount: unread, ext });
    expect(pushesOf().web.filter((r) => (r.payload as { body?: string }).body === 'Dinner at 7?')).toHaveLength(1);

    // Without OfflinePushInfo: the sender's nick and the message's text.
    await send('op_ben', 'op_amy', [...text('look'), { MsgType: 'TIMImageElem', MsgContent: { UUID: 'img1', ImageFormat: 1, ImageInfoArray: [{ Type: 1, Size: 1024, Width: 64, Height: 64, URL: 'https://cdn.example.com/a.jpg' }] } }]);
    await eventually(async () => expect(lastWeb('look [Image]') && lastApns('look [Image]')).toBeDefined());
    expect(lastWeb('look [Image]')!.payload).toMatchObject({ title: 'Ben', badgeCount: unread + 1 });
    expect(lastApns('look [Image]')!.payload).toMatchObject({ aps: { alert: { title: 'Ben' }, badge: unread + 1, sound: 'default' } });
  });

  it('pushes a group message with the group name to members not online; online members and PushFlag 1 get none', async () => {
    const catWeb = web.subscribe(vapid.publicKey);
    const cat = await server.login('op_cat', { platform: 'Web' });
    clients.push(cat);
    await cat.registerPush({ deviceId: 'cat-browser', target: { provider: 'webpush', ...catWeb } });
    const created = await rest('group_open_http_svc/create_group', { Owner_Account: 'op_ben', Type: 'Public', Name: 'Climbing club', MemberList: [{ Member_Account: 'op_amy' }, { Member_Account: 'op_cat' }] });
    await rest('group_open_http_svc/send_group_msg', { GroupId: created.GroupId, From_Account: 'op_ben', Random: 7, MsgBody: text('lunch?') });
    // Amy's devices are pushed one after another (browser first): wait for the last one asserted.
    await eventually(async () => expect([lastWeb('Ben: lunch?'), lastApns('Ben: lunch?')].every(Boolean)).toBe(true));
    expect(lastWeb('Ben: lunch?')!.payload).toMatchObject({ title: 'Climbing club', tag: `group_${String(created.GroupId)}` });
    expect(lastApns('Ben: lunch?')?.payload).toMatchObject({ aps: { alert: { title: 'Climbing club' } } });

    // Cat was online for that one. Offline now: PushFlag 1 sends nothing, the next message a push.
    await cat.close();
    await eventually(async () => expect((await rest('openim/query_online_status', { To_Account: ['op_cat'] })).QueryResult).toEqual([{ To_Account: 'op_cat', Status: 'Offline' }]));
    await send('op_ben', 'op_cat', text('secret'), { OfflinePushInfo: { PushFlag: 1 } });
    await send('op_ben', 'op_cat', text('marker'));
    const catPushes = () => web.received.filter((r) => r.endpoint === catWeb.endpoint);
    await eventually(async () => expect(catPushes().length).toBeGreaterThan(0));
    // One user's pushes go in order: anything planned for the earlier two would have come first.
    expect(catPushes().map((r) => (r.payload as { body: string }).body)).toEqual(['marker']);
  });

  it('takes OfflinePushInfo from client sends too, and refuses a malformed one with Tencent\'s codes', async () => {
    const ben = await server.login('op_ben', { platform: 'Android' });
    clients.push(ben);
    // What a browser subscribes with: the server's VAPID public key.
    expect(await ben.pushConfig()).toEqual({ providers: ['apns', 'fcm', 'webpush'], vapidPublicKey: vapid.publicKey });
    await ben.sendC2C('op_amy', text('from the app'), { offlinePush: { Title: 'Ben (app)', Ext: 'app-ext' } });
    await eventually(async () => expect(lastWeb('from the app')?.payload).toMatchObject({ title: 'Ben (app)', ext: 'app-ext' }));
    const bad = { PushFlag: 3 } as unknown as { PushFlag: 0 };
    await expect(ben.sendC2C('op_amy', text('x'), { offlinePush: bad })).rejects.toMatchObject({ code: 90043 });
    const groupId = String((await rest('group_open_http_svc/create_group', { Owner_Account: 'op_ben', Type: 'Private', Name: 'pair', MemberList: [{ Member_Account: 'op_amy' }] })).GroupId);
    await expect(ben.sendGroup(groupId, text('x'), { offlinePush: bad })).rejects.toMatchObject({ code: 10004 });
    expect(await rest('openim/sendmsg', { From_Account: 'op_ben', To_Account: 'op_amy', MsgRandom: 1, MsgBody: text('x'), OfflinePushInfo: { Ext: 5 } })).toMatchObject({ ErrorCode: 90043 });
  });

  it('removes a dead token, after which the user shows PushOnline on the phone alone; /health and /metrics report the providers', async () => {
    const detail = async () => (await rest('openim/query_online_status', { To_Account: ['op_amy'], IsNeedDetail: 1 })).QueryResult;
    expect(await detail()).toEqual([{ To_Account: 'op_amy', Status: 'PushOnline', Detail: [{ Platform: 'iPhone', Status: 'PushOnline' }, { Platform: 'Android', Status: 'PushOnline' }] }]);
    fcm.unregister(amyFcmToken);
    await send('op_ben', 'op_amy', text('still there?'));
    await eventually(async () => expect(await detail()).toEqual([{ To_Account: 'op_amy', Status: 'PushOnline', Detail: [{ Platform: 'iPhone', Status: 'PushOnline' }] }]));

    const health = (await (await fetch(`${server.url}/health`)).json()) as { push?: unknown };
    expect(health.push).toEqual({ apns: 'ok', fcm: 'ok', webpush: 'ok' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_push_sent_total\{provider="apns"\} [1-9]/);
    expect(metrics).toMatch(/parley_push_failed_total\{provider="fcm",action="drop-token",reason="UNREGISTERED"\} 1/);
  });

  it('pushes an im_push kept for offline devices to each device of the targeted users offline; online, untargeted and online-only get none', async () => {
    await server.importAccounts(['op_dan', 'op_eve']);
    const danWeb = web.subscribe(vapid.publicKey);
    const eveWeb = web.subscribe(vapid.publicKey);
    const dan = await server.login('op_dan', { platform: 'Web' });
    await dan.registerPush({ deviceId: 'dan-browser', target: { provider: 'webpush', ...danWeb } });
    await dan.close();
    const eve = await server.login('op_eve', { platform: 'Web' });
    clients.push(eve);
    await eve.registerPush({ deviceId: 'eve-browser', target: { provider: 'webpush', ...eveWeb } });
    const promo = `promo${process.pid}`;
    expect(await rest('all_member_push/im_add_tag', { UserTags: ['op_amy', 'op_dan', 'op_eve'].map((u) => ({ To_Account: u, Tags: [promo] })) })).toMatchObject({ ErrorCode: 0 });
    const bodyOf = (r: { payload: unknown }) => (r.payload as { body?: string }).body;
    const push = async (fields: Record<string, unknown>) => {
      const r = await rest('all_member_push/im_push', { From_Account: 'op_ben', MsgRandom: Math.floor(Math.random() * 2 ** 31), Condition: { TagsOr: [promo] }, ...fields });
      expect(r).toMatchObject({ ErrorCode: 0 });
      await eventually(async () => expect(await rest('all_member_push/im_get_push_task', { TaskId: r.TaskId })).toMatchObject({ State: 'Done' }), 15_000);
      return (await rest('all_member_push/im_get_push_task', { TaskId: r.TaskId })).QueuedPushNum;
    };

    expect(await push({ MsgBody: text('flash, online only') })).toBe(0);
    // Amy's iPhone and browser (her FCM token is gone), Dan's browser.
    expect(await push({ MsgLifeTime: 3600, MsgBody: text('sale'), OfflinePushInfo: { Title: 'Sale', Desc: 'Up to 50% off' } })).toBe(3);
    await eventually(async () => expect([lastApns('Up to 50% off'), lastWeb('Up to 50% off'), web.received.find((r) => r.endpoint === danWeb.endpoint)].every(Boolean)).toBe(true));
    expect(web.received.filter((r) => r.endpoint === danWeb.endpoint).map((r) => r.payload)).toEqual([{ title: 'Sale', body: 'Up to 50% off', tag: 'c2c_op_ben' }]);
    expect(lastApns('Up to 50% off')!.payload).toEqual({ aps: { alert: { title: 'Sale', body: 'Up to 50% off' }, sound: 'default', 'thread-id': 'c2c_op_ben' } });
    expect(pushesOf().web.filter((r) => bodyOf(r) === 'Up to 50% off')).toHaveLength(1);
    expect(web.received.filter((r) => r.endpoint === eveWeb.endpoint)).toEqual([]);
    expect([...web.received, ...apns.received].filter((r) => bodyOf(r) === 'flash, online only' || JSON.stringify(r.payload).includes('flash'))).toEqual([]);
    expect(await push({ MsgLifeTime: 3600, MsgBody: text('no push'), OfflinePushInfo: { PushFlag: 1 } })).toBe(0);
  });
});
