/**
 * Tencent's REST call rates (spec §8.4, issue 19 item 1) on a real server: a command over its rate
 * gets 60007 (10006 on group_open_http_svc), the app over its rate 60011, the refused calls change
 * nothing and are counted in /metrics. A burst can span more than one one-second window; each
 * check allows the limit once per window the burst touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyProcess } from '../../helpers/parley-process.ts';

/** Fires `n` calls at once; answers their codes and how many one-second windows the burst touched. */
async function burst(server: ParleyProcess, n: number, call: (i: number) => [string, unknown]): Promise<{ codes: number[]; windows: number }> {
  const from = Math.floor(Date.now() / 1000);
  const codes = await Promise.all(Array.from({ length: n }, (_, i) => server.rest(...call(i)).then((r) => r.ErrorCode)));
  return { codes, windows: Math.floor(Date.now() / 1000) - from + 1 };
}

describe('REST call rates', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: { PARLEY_REST_RATES: 'im_open_login_svc/account_import=2,openim/querystate=3' } });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('refuses a command over its rate with 60007, and stores nothing for the refused calls', async () => {
    const { codes, windows } = await burst(server, 20, (i) => ['im_open_login_svc/account_import', { UserID: `rate${i}` }]);
    const ok = codes.filter((c) => c === 0).length;
    expect(codes.every((c) => c === 0 || c === 60007)).toBe(true);
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(2 * windows);
    const check = await server.rest('im_open_login_svc/account_check', { CheckItem: Array.from({ length: 20 }, (_, i) => ({ UserID: `rate${i}` })) });
    const imported = (check.ResultItem as { AccountStatus: string }[]).filter((r) => r.AccountStatus === 'Imported').length;
    expect(imported).toBe(ok);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(`parley_rest_refused_total{command="im_open_login_svc/account_import",limit="command"} ${20 - ok}`);
  });

  it('keeps each command to its own rate', async () => {
    const { codes, windows } = await burst(server, 12, (i) => (i % 2 === 0 ? ['openim/querystate', { To_Account: ['nobody'] }] : ['im_open_login_svc/account_check', { CheckItem: [{ UserID: 'nobody' }] }]));
    const querystate = codes.filter((_, i) => i % 2 === 0);
    const checks = codes.filter((_, i) => i % 2 === 1);
    expect(querystate.filter((c) => c === 0).length).toBeLessThanOrEqual(3 * windows);
    expect(querystate.filter((c) => c !== 0).every((c) => c === 60007)).toBe(true);
    // account_check keeps Tencent's 100 a second: six calls pass.
    expect(checks).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('holds get_appid_group_list to Tencent’s 1 a second, refused with the group service’s 10006', async () => {
    const { codes, windows } = await burst(server, 8, () => ['group_open_http_svc/get_appid_group_list', {}]);
    expect(codes.filter((c) => c === 0).length).toBeLessThanOrEqual(windows);
    expect(codes.filter((c) => c !== 0).every((c) => c === 10006)).toBe(true);
    expect(codes).toContain(10006);
  });
});

describe('the app-wide REST rate', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: { PARLEY_REST_APP_RATE: '4' } });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('refuses calls of any command beyond it with 60011', async () => {
    const commands: [string, unknown][] = [
      ['openim/querystate', { To_Account: ['nobody'] }],
      ['im_open_login_svc/account_check', { CheckItem: [{ UserID: 'nobody' }] }],
      ['all_member_push/im_get_attr_name', {}],
    ];
    const { codes, windows } = await burst(server, 24, (i) => commands[i % 3]);
    expect(codes.filter((c) => c === 0).length).toBeLessThanOrEqual(4 * windows);
    expect(codes.filter((c) => c !== 0).every((c) => c === 60011)).toBe(true);
    expect(codes).toContain(60011);
  });
});

describe('a malformed rate', () => {
  it('stops the server at start with the variable named', async () => {
    await expect(ParleyProcess.start({ env: { PARLEY_REST_RATES: 'sendmsg=10' } })).rejects.toThrow(/PARLEY_REST_RATES: "sendmsg=10" is not service\/command=N/);
  });
});
