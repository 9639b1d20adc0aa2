import { createHash } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { callbackSign, callbackUrl, parseAnswer, type CallbackAnswer, type CallbackClient, type CallbackRequest, type CallbackOutcome } from '../../src/events/callbacks/callback-client.ts';
import { CALLBACK_COMMANDS } from '../../src/protocol/callback-commands.ts';
import { callbackHooks } from '../../src/events/callbacks/callback-hooks.ts';
import { inviteDecisionOf, sendDecisionOf, vetoOf } from '../../src/events/callbacks/before-answers.ts';
import type { C2CMessage } from '../../src/protocol/entries.ts';
import { ImError, appCodeError, codeFits } from '../../src/protocol/errors.ts';

const log = pino({ level: 'silent' });
const answer = (ErrorCode: number, more: Record<string, unknown> = {}): CallbackAnswer => ({ ErrorCode, ErrorInfo: 'app says', ...more });
const text = (t: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];
const msg: C2CMessage = { kind: 'c2c', from: 'a', to: 'b', time: 1_700_000_000_000, msgKey: '1_2_1700000000', msgSeq: 1, random: 2, body: text('hi'), flags: 0 };
const admin = { kind: 'admin', userId: 'administrator' } as const;

/** A client that answers from a list of outcomes and records the requests. */
function fakeClient(outcomes: CallbackOutcome[]): CallbackClient & { requests: CallbackRequest[] } {
  const requests: CallbackRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      return outcomes.shift() ?? { ok: true, answer: answer(0) };
    },
  };
}

describe('app-code errors in the catalogue', () => {
  it('carries an app server code inside its entry range, with the app ErrorInfo', () => {
    const e = appCodeError('C2CCallbackAppError', 120005, 'custom refusal');
    expect(e).toMatchObject({ code: 120005, info: 'custom refusal', errorName: 'C2CCallbackAppError' });
    expect(appCodeError('GroupCallbackAppError', 10150, 'no').code).toBe(10150);
  });

  it('refuses a code outside the entry range, and any other code for an ordinary entry', () => {
    expect(() => appCodeError('C2CCallbackAppError', 130001, 'x')).toThrow(RangeError);
    expect(() => appCodeError('GroupCallbackAppError', 10099, 'x')).toThrow(RangeError);
    expect(() => new ImError('GroupNotFound', 'x', 10011)).toThrow(RangeError);
    expect(codeFits('GroupCallbackAppError', 10200)).toBe(true);
    expect(codeFits('GroupCallbackAppError', 10201)).toBe(false);
  });
});

describe('before-callback answers (spec §7.2)', () => {
  it('vetoes with 20006 for C2C and 10016 for groups on ErrorCode 1', () => {
    expect(vetoOf('C2C.CallbackBeforeSendMsg', answer(1)).code).toBe(20006);
    expect(vetoOf('Group.CallbackBeforeSendMsg', answer(1))).toMatchObject({ code: 10016, info: expect.stringContaining('Group.CallbackBeforeSendMsg') });
  });

  it('passes app codes in the documented ranges through with the answer ErrorInfo, and treats other codes as a veto', () => {
    expect(vetoOf('C2C.CallbackBeforeSendMsg', answer(125000))).toMatchObject({ code: 125000, info: 'app says' });
    expect(vetoOf('Group.CallbackBeforeCreateGroup', answer(10100))).toMatchObject({ code: 10100, info: 'app says' });
    expect(vetoOf('C2C.CallbackBeforeSendMsg', answer(10150)).code).toBe(20006);
    expect(vetoOf('Group.CallbackBeforeSendMsg', answer(120005)).code).toBe(10016);
  });

  it('drops on ErrorCode 2 and rewrites body and custom data on ErrorCode 0', () => {
    expect(sendDecisionOf('C2C.CallbackBeforeSendMsg', answer(2), msg, 12288)).toEqual({ decision: { action: 'drop' } });
    expect(sendDecisionOf('C2C.CallbackBeforeSendMsg', answer(0), msg, 12288)).toEqual({ decision: { action: 'allow' } });
    expect(sendDecisionOf('C2C.CallbackBeforeSendMsg', answer(0, { MsgBody: text('new'), CloudCustomData: 'cc' }), msg, 12288)).toEqual({
      decision: { action: 'rewrite', body: text('new'), cloudCustomData: 'cc' },
    });
    expect(sendDecisionOf('Group.CallbackBeforeSendMsg', answer(0, { CloudCustomData: 'only' }), msg, 12288)).toEqual({ decision: { action: 'rewrite', cloudCustomData: 'only' } });
  });

  it('treats a rewrite with an invalid or oversized MsgBody as unusable', () => {
    expect(sendDecisionOf('C2C.CallbackBeforeSendMsg', answer(0, { MsgBody: [{ MsgType: 'Nope', MsgContent: {} }] }), msg, 12288)).toHaveProperty('unusable');
    expect(sendDecisionOf('C2C.CallbackBeforeSendMsg', answer(0, { MsgBody: text('x'.repeat(200)) }), msg, 100)).toHaveProperty('unusable');
    expect(sendDecisionOf('C2C.CallbackBeforeSendMsg', answer(0, { CloudCustomData: 7 }), msg, 12288)).toHaveProperty('unusable');
  });

  it('refuses only the invitees listed in RefusedMembers_Account', () => {
    expect(inviteDecisionOf(answer(0, { RefusedMembers_Account: ['x'] }))).toEqual({ decision: { action: 'allow', refused: ['x'] } });
    expect(inviteDecisionOf(answer(0, { RefusedMembers_Account: 'x' }))).toHaveProperty('unusable');
    expect(inviteDecisionOf(answer(10101))).toMatchObject({ decision: { action: 'reject', error: { code: 10101 } } });
  });
});

describe('callback transport (spec §7.1)', () => {
  const req: CallbackRequest = { command: 'C2C.CallbackBeforeSendMsg', payload: {}, platform: 'RESTAPI' };

  it('puts Tencent’s query parameters on the URL, keeping the app server’s own', () => {
    const url = new URL(callbackUrl({ url: 'http://app.example/cb?x=1', sdkAppId: 1400000001 }, req, 1_700_000_000));
    expect(Object.fromEntries(url.searchParams)).toEqual({ x: '1', SdkAppid: '1400000001', CallbackCommand: 'C2C.CallbackBeforeSendMsg', contenttype: 'json', ClientIP: '', OptPlatform: 'RESTAPI' });
  });

  it('signs with hex sha256 of the token followed by RequestTime when a token is set', () => {
    const url = new URL(callbackUrl({ url: 'http://app.example/cb', sdkAppId: 1, token: 'xxxyyy' }, req, 1669872112));
    expect(url.searchParams.get('RequestTime')).toBe('1669872112');
    expect(url.searchParams.get('Sign')).toBe(createHash('sha256').update('xxxyyy1669872112').digest('hex'));
    expect(callbackSign('xxxyyy', 1669872112)).toMatch(/^e78a8547/); // spec §9 open question 1
  });

  it('accepts only a JSON object with an integer ErrorCode as an answer', () => {
    expect(parseAnswer('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}')).toMatchObject({ ErrorCode: 0, ErrorInfo: '' });
    expect(parseAnswer('{"ErrorCode":"120005","ErrorInfo":"x"}')).toMatchObject({ ErrorCode: 120005 });
    expect(parseAnswer('not json')).toBeUndefined();
    expect(parseAnswer('[0]')).toBeUndefined();
    expect(parseAnswer('{"ErrorCode":1.5}')).toBeUndefined();
    expect(parseAnswer('{"ActionStatus":"OK"}')).toBeUndefined();
  });
});

describe('callback hooks', () => {
  const options = { enabled: new Set(CALLBACK_COMMANDS), failClosed: false, maxMsgBytes: 12288, now: () => 1, log };

  it('does not call commands that are not switched on', async () => {
    const client = fakeClient([{ ok: true, answer: answer(1) }]);
    const hooks = callbackHooks({ ...options, client, enabled: new Set(['Group.CallbackBeforeSendMsg']) });
    expect(await hooks.beforeC2CSend({ caller: admin, message: msg, onlineOnly: false })).toEqual({ action: 'allow' });
    expect(client.requests).toHaveLength(0);
  });

  it('proceeds when the callback fails and the app does not block on failures', async () => {
    const client = fakeClient([{ ok: false, reason: 'HTTP 500' }]);
    const hooks = callbackHooks({ ...options, client });
    expect(await hooks.beforeC2CSend({ caller: admin, message: msg, onlineOnly: false })).toEqual({ action: 'allow' });
    expect(client.requests[0]).toMatchObject({ command: 'C2C.CallbackBeforeSendMsg', platform: 'RESTAPI', payload: { From_Account: 'a', MsgKey: '1_2_1700000000' } });
  });

  it('rejects with 80003 when the callback fails or answers unusably and the app blocks on failures', async () => {
    const client = fakeClient([{ ok: false, reason: 'no answer within 2000 ms' }, { ok: true, answer: answer(0, { RefusedMembers_Account: 3 }) }]);
    const hooks = callbackHooks({ ...options, client, failClosed: true });
    const send = await hooks.beforeC2CSend({ caller: admin, message: msg, onlineOnly: false });
    expect(send).toMatchObject({ action: 'reject', error: { code: 80003, info: expect.stringContaining('no answer within 2000 ms') } });
    const invite = await hooks.beforeInvite({ caller: admin, groupId: 'g', groupType: 'Public', members: ['x'] });
    expect(invite).toMatchObject({ action: 'reject', error: { code: 80003 } });
  });

  it('does not ask about an invitation that adds nobody new', async () => {
    const client = fakeClient([]);
    const hooks = callbackHooks({ ...options, client });
    expect(await hooks.beforeInvite({ caller: admin, groupId: 'g', groupType: 'Public', members: [] })).toEqual({ action: 'allow' });
    expect(client.requests).toHaveLength(0);
  });

  it('asks Group.CallbackBeforeApplyJoinGroup with the requestor, ready for a client apply-join', async () => {
    const client = fakeClient([{ ok: true, answer: answer(10150) }]);
    const hooks = callbackHooks({ ...options, client, now: () => 42 });
    const d = await hooks.beforeApplyJoin({ caller: { kind: 'user', userId: 'u', platform: 'Web' }, groupId: 'g', groupType: 'Public' });
    expect(d).toMatchObject({ action: 'reject', error: { code: 10150 } });
    expect(client.requests[0]).toEqual({ command: 'Group.CallbackBeforeApplyJoinGroup', platform: 'Web', clientIp: '', payload: { GroupId: 'g', Type: 'Public', Requestor_Account: 'u', EventTime: 42 } });
  });
});

describe('callback config', () => {
  it('switches every supported command on when only PARLEY_CALLBACK_URL is set, with Tencent’s 2 s timeout', () => {
    const c = loadConfig({ PARLEY_CALLBACK_URL: 'http://127.0.0.1:9/cb' });
    expect(c.callbacks).toEqual({ url: 'http://127.0.0.1:9/cb', token: undefined, commands: [...CALLBACK_COMMANDS], failClosed: false, timeoutMs: 2000, retries: 5 });
    expect(loadConfig({}).callbacks).toBeUndefined();
  });

  it('reads the command list, token, fail-closed switch, timeout and retries', () => {
    const c = loadConfig({
      PARLEY_CALLBACK_URL: 'https://app.example/cb',
      PARLEY_CALLBACK_TOKEN: 't0k',
      PARLEY_CALLBACK_COMMANDS: 'C2C.CallbackBeforeSendMsg, Group.CallbackAfterSendMsg',
      PARLEY_CALLBACK_FAIL_CLOSED: 'true',
      PARLEY_CALLBACK_TIMEOUT_MS: '500',
      PARLEY_CALLBACK_RETRIES: '0',
    });
    expect(c.callbacks).toEqual({ url: 'https://app.example/cb', token: 't0k', commands: ['C2C.CallbackBeforeSendMsg', 'Group.CallbackAfterSendMsg'], failClosed: true, timeoutMs: 500, retries: 0 });
  });

  it('names an unsupported command, a bad URL and a bad switch in one error', () => {
    const bad = () => loadConfig({ PARLEY_CALLBACK_URL: 'ftp://x', PARLEY_CALLBACK_COMMANDS: 'Group.CallbackBeforeCreateTopic', PARLEY_CALLBACK_FAIL_CLOSED: 'maybe' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/PARLEY_CALLBACK_URL[\s\S]*PARLEY_CALLBACK_COMMANDS: unsupported: Group.CallbackBeforeCreateTopic[\s\S]*PARLEY_CALLBACK_FAIL_CLOSED/);
  });
});
