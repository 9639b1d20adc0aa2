/**
 * Client flood control (issue 19 item 2) with real SDK clients: a device past its operation rate
 * gets 60018 and others are served as before; a user's sends are limited over all their devices
 * together; a device that keeps flooding is closed with SlowDown and the SDK comes back by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { Op } from '../../src/protocol/client-ops.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { eventually, text } from '../helpers/wait.ts';

const codeOf = (p: Promise<unknown>): Promise<number> => p.then(() => 0, (e: unknown) => (e as { code?: number }).code ?? -1);

describe('client flood control', () => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    server = await ParleyProcess.start({
      env: { PARLEY_CLIENT_OP_RATE: '5', PARLEY_CLIENT_OP_BURST: '10', PARLEY_CLIENT_SEND_RATE: '2', PARLEY_CLIENT_SEND_BURST: '4', PARLEY_CLIENT_FLOOD_CLOSE_AFTER: '60', PARLEY_LOGIN_RATE_PER_USER: '3' },
    });
    await server.importAccounts(['fl_ann', 'fl_bob', 'fl_cid', 'fl_dan']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  const login = async (id: string): Promise<ParleyClient> => {
    const c = await server.login(id);
    clients.push(c);
    return c;
  };

  it('refuses a device past its rate with 60018 while another user is served', async () => {
    const ann = await login('fl_ann');
    const bob = await login('fl_bob');
    const started = Date.now();
    const codes = await Promise.all(Array.from({ length: 40 }, () => codeOf(ann.call(Op.Groups, {}))));
    const seconds = (Date.now() - started) / 1000;
    const passed = codes.filter((c) => c === 0).length;
    expect(codes.filter((c) => c !== 0).every((c) => c === 60018)).toBe(true);
    // The burst, and what the rate refilled meanwhile (login's own sync took a token or two).
    expect(passed).toBeLessThanOrEqual(10 + Math.ceil(seconds * 5));
    expect(codes).toContain(60018);
    expect(await codeOf(bob.call(Op.Groups, {}))).toBe(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_client_refused_total [1-9]/);
  });

  it('limits a user’s sends over all their devices together', async () => {
    const phone = await login('fl_cid');
    const laptop = await login('fl_cid');
    const started = Date.now();
    const codes = await Promise.all(Array.from({ length: 12 }, (_, i) => codeOf((i % 2 ? phone : laptop).sendC2C('fl_bob', text(`m${i}`), { random: i + 1 }))));
    const seconds = (Date.now() - started) / 1000;
    expect(codes.filter((c) => c !== 0).every((c) => c === 60018)).toBe(true);
    expect(codes.filter((c) => c === 0).length).toBeLessThanOrEqual(4 + Math.ceil(seconds * 2));
  });

  it('closes a device that keeps flooding with SlowDown; the SDK logs in again by itself after a pause', async () => {
    const ann = clients[0];
    const states: string[] = [];
    ann.onState((s) => states.push(s));
    await Promise.all(Array.from({ length: 120 }, () => codeOf(ann.call(Op.Groups, {}))));
    await eventually(async () => expect(states).toContain('reconnecting'), 5000);
    await eventually(async () => expect(ann.state).toBe('connected'), 15_000);
    expect(await codeOf(ann.call(Op.Groups, {}))).toBe(0);
  });

  it('refuses logins of one user past their rate with 70114, before the UserSig is checked', async () => {
    const connect = (userSig: string) =>
      fetch(`${server.url}/connect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserID: 'fl_dan', UserSig: userSig, Platform: 'Web' }) }).then(
        async (r) => ((await r.json()) as { ErrorCode: number }).ErrorCode,
      );
    const from = Math.floor(Date.now() / 1000);
    const codes = await Promise.all(Array.from({ length: 20 }, (_, i) => connect(i % 2 === 0 ? server.userSig('fl_dan') : 'not-a-usersig')));
    const windows = Math.floor(Date.now() / 1000) - from + 1;
    expect(codes.filter((c) => c !== 70114).length).toBeLessThanOrEqual(3 * windows);
    expect(codes).toContain(70114);
    expect(codes.every((c) => c === 0 || c === 70114 || (c >= 70001 && c <= 70020))).toBe(true);
  });
});
