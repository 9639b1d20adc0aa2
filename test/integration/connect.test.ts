import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/client/parley-client.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { text } from '../helpers/wait.ts';

describe('client connection: /connect and client operations', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start();
    await server.importAccounts(['zoe']);
  });

  afterAll(async () => {
    await server.stop();
  });

  const connect = async (body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${server.url}/connect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };

  it('answers a seat reservation for a valid UserSig and imports a new account on first login', async () => {
    const r = await connect({ UserID: 'newcomer', UserSig: server.userSig('newcomer'), Platform: 'iOS' });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.SeatReservation).toMatchObject({ name: 'inbox', roomId: 'inbox_newcomer' });
    const check = await server.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'newcomer' }] });
    expect((check.ResultItem as { AccountStatus: string }[])[0].AccountStatus).toBe('Imported');
  });

  it('refuses bad UserSigs and bad bodies with Tencent codes', async () => {
    expect((await connect({ UserID: 'zoe', UserSig: server.userSig('someone-else') })).ErrorCode).toBe(70013);
    expect((await connect({ UserID: 'zoe', UserSig: 'garbage' })).ErrorCode).toBe(70003);
    expect((await connect({ UserID: 'zoe', UserSig: server.userSig('zoe', { time: 1_000_000, expire: 10 }) })).ErrorCode).toBe(70001);
    expect((await connect({ UserID: 'zoe' })).ErrorCode).toBe(70402);
    expect((await connect({ UserID: 'zoe', UserSig: server.userSig('zoe'), Platform: 'Toaster' })).ErrorCode).toBe(70402);
    expect((await connect('{not json')).ErrorCode).toBe(60003);
  });

  it('lets no client create rooms or join someone else’s inbox through the matchmaker', async () => {
    const sdk = new Client(server.url);
    sdk.auth.token = server.userSig('zoe');
    await expect(sdk.create('inbox', { id: 'inbox_evil' })).rejects.toThrow();
    await expect(sdk.joinOrCreate('group', {})).rejects.toThrow();
    await server.login('zoe').then((c) => c.close());
    await expect(sdk.joinById('inbox_newcomer')).rejects.toThrow();
  });

  it('answers bad operation arguments with 70402 and keeps the session', async () => {
    const zoe = await server.login('zoe');
    await expect(zoe.call('c2c.send', { to: 'zoe' } as never)).rejects.toBeInstanceOf(ParleyError);
    await expect(zoe.call('sync', { after: -1 })).rejects.toMatchObject({ code: 70402 });
    await expect(zoe.call('group.pull', { groupId: 'nope', after: 0 })).rejects.toMatchObject({ code: 10010 });
    const r = await zoe.sendC2C('zoe', text('note to self'));
    expect(r.seq).toBe(1);
    await zoe.close();
  });
});
