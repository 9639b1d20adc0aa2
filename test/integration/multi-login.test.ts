/**
 * Multi-login policies with real clients (spec §8.5): under `dual` one native platform and Web may
 * be online together; a login on another native platform closes the older one with 4103, which its
 * SDK does not reconnect from; Web logins beyond PARLEY_WEB_LOGINS close the oldest; the login's
 * State.StateChange lists the devices it closed in KickedDevice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { Webhook } from '../helpers/webhook.ts';

describe('multi-login policy (dual, 2 Web logins)', () => {
  let server: ParleyProcess;
  let hook: Webhook;
  const clients: ParleyClient[] = [];
  const login = async (userId: string, platform: 'iOS' | 'Android' | 'Web') => {
    const c = await server.login(userId, { platform });
    clients.push(c);
    return c;
  };
  const closedWith = (c: ParleyClient) => new Promise<number>((resolve) => c.onState((s) => s === 'closed' && resolve(c.closeCode)));

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { PARLEY_CALLBACK_URL: hook.url, PARLEY_LOGIN_POLICY: 'dual', PARLEY_WEB_LOGINS: '2' } });
    await server.importAccounts(['ml_ann', 'ml_bob']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    await hook.close();
  });

  it('lets the newest native login win, keeps Web, and says which device it closed', async () => {
    const phone = await login('ml_ann', 'iOS');
    const web = await login('ml_ann', 'Web');
    const phoneClosed = closedWith(phone);
    const tablet = await login('ml_ann', 'Android');
    expect(await phoneClosed).toBe(4103);
    expect(web.state).toBe('connected');
    expect(tablet.state).toBe('connected');
    // Closed for good: it does not come back on its own.
    await new Promise((r) => setTimeout(r, 500));
    expect(phone.state).toBe('closed');
    const ofAnn = (h: { body: Record<string, unknown> }) => (h.body.Info as { To_Account: string }).To_Account === 'ml_ann';
    await waitFor(() => hook.of('State.StateChange', ofAnn).length >= 4, 'three logins and one disconnect');
    const events = hook.of('State.StateChange', ofAnn).map((h) => ({ info: h.body.Info, kicked: h.body.KickedDevice, platform: h.query.OptPlatform }));
    expect(events).toContainEqual({ info: { Action: 'Login', To_Account: 'ml_ann', Reason: 'Register' }, kicked: [{ Platform: 'iOS' }], platform: 'Android' });
    expect(events).toContainEqual({ info: { Action: 'Disconnect', To_Account: 'ml_ann', Reason: 'Unregister' }, kicked: undefined, platform: 'IOS' });
  });

  it('closes the oldest Web login beyond the Web limit', async () => {
    const first = await login('ml_bob', 'Web');
    const second = await login('ml_bob', 'Web');
    const firstClosed = closedWith(first);
    const third = await login('ml_bob', 'Web');
    expect(await firstClosed).toBe(4103);
    expect([second.state, third.state]).toEqual(['connected', 'connected']);
  });
});

describe('a device that vanishes', () => {
  let server: ParleyProcess;
  let hook: Webhook;

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { PARLEY_CALLBACK_URL: hook.url, PARLEY_RECONNECT_WINDOW_S: '1' } });
    await server.importAccounts(['ml_cat']);
  });

  afterAll(async () => {
    await server?.stop();
    await hook?.close();
  });

  it('is reported as a Disconnect with Reason TimeOut once its reconnection window passed', async () => {
    const phone = await server.login('ml_cat', { platform: 'Android' });
    phone.vanish();
    const ofCat = (h: { body: Record<string, unknown> }) => (h.body.Info as { To_Account: string }).To_Account === 'ml_cat';
    await waitFor(() => hook.of('State.StateChange', ofCat).length >= 2, 'the login and the disconnect');
    expect(hook.of('State.StateChange', ofCat)[1].body).toMatchObject({ Info: { Action: 'Disconnect', To_Account: 'ml_cat', Reason: 'TimeOut' } });
    expect((await server.rest('openim/query_online_status', { To_Account: ['ml_cat'] })).QueryResult).toEqual([{ To_Account: 'ml_cat', Status: 'Offline' }]);
  });
});
