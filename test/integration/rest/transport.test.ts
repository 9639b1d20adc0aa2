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

  it('needs an App admin identifier (60010)', async () => {
    const r = await server.rest('im_open_login_svc/account_check', check, { identifier: 'alice', usersig: server.userSig('alice') });
    expect(r.ErrorCode).toBe(60010);
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

  it('keeps serving after a flood of malformed requests', async () => {
    const bad = ['', '{', 'null', '"str"', '{"UserID": 5}', '{"UserID": {"a": 1}}', '{"UserID": ["x"]}'];
    const answers = await Promise.all(bad.map((b) => server.rest('im_open_login_svc/account_import', b)));
    for (const a of answers) expect(a.ActionStatus).toBe('FAIL');
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 'still-up' })).ErrorCode).toBe(0);
  });
});
