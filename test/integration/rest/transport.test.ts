import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserSig } from '../../../src/auth/user-sig.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';

describe('REST transport: envelope, auth and malformed requests', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  const check = { CheckItem: [{ UserID: 'x' }] };

  it('answers a good call with ActionStatus OK, ErrorCode 0 and an empty ErrorInfo', async () => {
    const r = await server.rest('im_open_login_svc/account_check', check);
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
  });

  it('refuses methods other than POST with 60002', async () => {
    const res = await fetch(`${server.url}/v4/im_open_login_svc/account_check?sdkappid=${server.identity.sdkAppId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60002 });
  });

  it('answers unknown commands and services with 60009', async () => {
    expect((await server.rest('openim/no_such_command', {})).ErrorCode).toBe(60009);
    expect((await server.rest('no_such_service/sendmsg', {})).ErrorCode).toBe(60009);
  });

  it('needs the right sdkappid: 60012 when missing, 60006 when wrong', async () => {
    expect((await server.rest('im_open_login_svc/account_check', check, { sdkappid: '' })).ErrorCode).toBe(60012);
    expect((await server.rest('im_open_login_svc/account_check', check, { sdkappid: '1400000001' })).ErrorCode).toBe(60006);
  });

  it('refuses an identifier that is not an App admin with the service’s own code (70403, 90009, 10007, 1002)', async () => {
    const asAlice = { identifier: 'alice', usersig: server.userSig('alice') };
    const cases: [string, Record<string, unknown>, number][] = [
      ['im_open_login_svc/account_check', check, 70403],
      ['openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] }, 90009],
      ['group_open_http_svc/get_group_info', { GroupIdList: ['@TGS#2AAAAAAAA'] }, 10007],
      ['open_msg_svc/get_history', { ChatType: 'C2C', MsgTime: '2024010100' }, 1002],
    ];
    for (const [command, body, code] of cases) {
      const r = await server.rest(command, body, asAlice);
      expect({ command, status: r.ActionStatus, code: r.ErrorCode }).toEqual({ command, status: 'FAIL', code });
    }
  });

  it('answers malformed /v4 paths with the JSON envelope (60009), not an HTML page', async () => {
    for (const path of ['/v4', '/v4/openim', '/v4/a/b/c', '/v4/openim/sendmsg/extra']) {
      const res = await fetch(`${server.url}${path}?sdkappid=1`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60009 });
    }
  });

  it('answers the matchmaker’s refusals with 4xx and a JSON error, never 5xx', async () => {
    for (const [path, status] of [
      ['/matchmake/joinOrCreate/inbox', 403],
      ['/matchmake/create/inbox', 403],
      ['/matchmake/join/group', 403],
      ['/matchmake/joinById/xxx', 404],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(((await res.json()) as { error?: string }).error).toEqual(expect.any(String));
    }
  });

  it('gives each bad admin UserSig its Tencent code', async () => {
    const { sdkAppId, secretKey } = server.identity;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, number][] = [
      ['empty', '', 70002],
      ['garbage', 'not-a-usersig', 70003],
      ['expired', signUserSig({ sdkAppId, key: secretKey, identifier: 'administrator', time: now - 100, expire: 10 }), 70001],
      ['wrong key', signUserSig({ sdkAppId, key: 'f'.repeat(64), identifier: 'administrator' }), 70009],
      ['other app', signUserSig({ sdkAppId: sdkAppId + 1, key: secretKey, identifier: 'administrator' }), 70014],
      ['other user', signUserSig({ sdkAppId, key: secretKey, identifier: 'someone' }), 70013],
    ];
    for (const [name, usersig, code] of cases) {
      const r = await server.rest('im_open_login_svc/account_check', check, { usersig });
      expect({ name, code: r.ErrorCode, status: r.ActionStatus }).toEqual({ name, code, status: 'FAIL' });
      expect(r.ErrorInfo).not.toBe('');
    }
  });

  it('answers a body that is not JSON with the service’s parse error', async () => {
    expect((await server.rest('im_open_login_svc/account_import', '{"UserID": ')).ErrorCode).toBe(60003);
    expect((await server.rest('openim/sendmsg', 'nope')).ErrorCode).toBe(90001);
    expect((await server.rest('group_open_http_svc/create_group', '')).ErrorCode).toBe(10011);
    expect((await server.rest('im_open_login_svc/account_import', '[1,2]')).ErrorCode).toBe(60003);
  });

  it('refuses bodies over 12 KB with 93000', async () => {
    const r = await server.rest('im_open_login_svc/account_import', { UserID: 'big', Nick: 'n'.repeat(13 * 1024) });
    expect(r.ErrorCode).toBe(93000);
    const check = await server.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'big' }] });
    expect((check.ResultItem as { AccountStatus: string }[])[0].AccountStatus).toBe('NotImported');
  });

  it('refuses a body past the 1 MB read cap with 93000, declared or streamed, and keeps serving', async () => {
    const url = `${server.url}/v4/im_open_login_svc/account_import?sdkappid=${server.identity.sdkAppId}&identifier=administrator&usersig=${server.userSig('administrator')}&random=1&contenttype=json`;
    const big = JSON.stringify({ UserID: 'huge', Nick: 'n'.repeat(2 * 1024 * 1024) });
    const declared = await fetch(url, { method: 'POST', body: big });
    expect(await declared.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 93000 });
    // No content-length: the cap is applied while reading.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 3; i++) c.enqueue(new TextEncoder().encode('x'.repeat(512 * 1024)));
        c.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(await streamed.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 93000 });
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 'after-huge' })).ErrorCode).toBe(0);
  });

  it('leaves CORS preflights and paths outside /v4 to the HTTP router', async () => {
    const preflight = await fetch(`${server.url}/v4/openim/sendmsg`, { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).not.toBeNull();
    const outside = await fetch(`${server.url}/v40/openim/sendmsg`, { method: 'POST', body: '{}' });
    expect(outside.headers.get('content-type') ?? '').not.toMatch(/application\/json/);
  });

  it('keeps serving after a flood of malformed requests', async () => {
    const bad = ['', '{', 'null', '"str"', '{"UserID": 5}', '{"UserID": {"a": 1}}', '{"UserID": ["x"]}'];
    const answers = await Promise.all(bad.map((b) => server.rest('im_open_login_svc/account_import', b)));
    for (const a of answers) expect(a.ActionStatus).toBe('FAIL');
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 'still-up' })).ErrorCode).toBe(0);
  });
});
