import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient } from '../../../src/client/parley-client.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';

describe('REST im_open_login_svc', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  const status = async (ids: string[]): Promise<string[]> => {
    const r = await server.rest('im_open_login_svc/account_check', { CheckItem: ids.map((UserID) => ({ UserID })) });
    expect(r.ErrorCode).toBe(0);
    return (r.ResultItem as { UserID: string; ResultCode: number; AccountStatus: string }[]).map((x) => `${x.UserID}:${x.AccountStatus}`);
  };

  it('account_import creates an account, and importing it again is fine', async () => {
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 'ann', Nick: 'Ann', FaceUrl: 'http://x/a.png' })).ErrorCode).toBe(0);
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 'ann' })).ErrorCode).toBe(0);
    expect((await server.rest('im_open_login_svc/account_import', { Identifier: 'old-style' })).ErrorCode).toBe(0);
    expect(await status(['ann', 'old-style', 'nobody'])).toEqual(['ann:Imported', 'old-style:Imported', 'nobody:NotImported']);
  });

  it('account_import rejects bad UserIDs with 70402 or 60015', async () => {
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 'x'.repeat(33) })).ErrorCode).toBe(70402);
    expect((await server.rest('im_open_login_svc/account_import', { UserID: '' })).ErrorCode).toBe(70402);
    expect((await server.rest('im_open_login_svc/account_import', {})).ErrorCode).toBe(70402);
    expect((await server.rest('im_open_login_svc/account_import', { UserID: 12 })).ErrorCode).toBe(60015);
  });

  it('multiaccount_import imports valid ids, reports the others in FailAccounts, and refuses more than 100', async () => {
    const r = await server.rest('im_open_login_svc/multiaccount_import', { Accounts: ['m1', 'm2', 'y'.repeat(40)] });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, FailAccounts: ['y'.repeat(40)] });
    expect(await status(['m1', 'm2'])).toEqual(['m1:Imported', 'm2:Imported']);
    const many = Array.from({ length: 101 }, (_, i) => `n${i}`);
    expect((await server.rest('im_open_login_svc/multiaccount_import', { Accounts: many })).ErrorCode).toBe(70402);
    expect(await status(['n0'])).toEqual(['n0:NotImported']);
    expect((await server.rest('im_open_login_svc/multiaccount_import', { Accounts: 'm3' })).ErrorCode).toBe(70402);
  });

  it('account_check answers per item with ResultCode 0', async () => {
    const r = await server.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'ann' }] });
    expect(r.ResultItem).toEqual([{ UserID: 'ann', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' }]);
    expect((await server.rest('im_open_login_svc/account_check', { CheckItem: [] })).ErrorCode).toBe(70402);
  });

  it('kick closes the user’s sessions and revokes earlier UserSigs; a new UserSig works', async () => {
    await server.importAccounts(['kim']);
    const earlier = server.userSig('kim', { time: Math.floor(Date.now() / 1000) - 60 });
    const device = await ParleyClient.login({ endpoint: server.url, userId: 'kim', userSig: earlier });
    const closed = new Promise<number>((resolve) => device.onState((s) => s === 'closed' && resolve(device.closeCode)));
    expect((await server.rest('im_open_login_svc/kick', { UserID: 'kim' })).ErrorCode).toBe(0);
    expect(await closed).toBe(4100);
    await expect(ParleyClient.login({ endpoint: server.url, userId: 'kim', userSig: earlier })).rejects.toMatchObject({ code: 70003 });
    const fresh = await ParleyClient.login({ endpoint: server.url, userId: 'kim', userSig: server.userSig('kim') });
    expect(fresh.state).toBe('connected');
    await fresh.close();
    expect((await server.rest('im_open_login_svc/kick', { UserID: 'ghost' })).ErrorCode).toBe(70107);
  });
});
