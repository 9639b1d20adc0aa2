/**
 * k6: the REST hot path against a Parley deployment — `openim/sendmsg`, then
 * `group_open_http_svc/send_group_msg`, each at an open-loop arrival rate, with the admin UserSig
 * signed inside k6 (or given pre-signed as ADMIN_SIG). Setup imports the accounts and creates a
 * ChatRoom group. Parameters: bench/scenarios.json (`restSend`) and env; see bench/k6/README.md.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import { type SharedScenarios, kneeStages, loadParams, modeBlock, payload } from './lib/params.ts';
import { createChatRoom, importAccounts, rest } from './lib/tencent-rest.ts';

const shared = JSON.parse(open(__ENV.SCENARIOS_FILE || '../scenarios.json')) as SharedScenarios;
const block = modeBlock(shared).restSend;
const p = loadParams(shared, block);
const pairs = Number(__ENV.RECEIVERS || block.receivers);
const groupMembers = Number(__ENV.GROUP_MEMBERS || block.groupMembers);
const durationS = Number(__ENV.DURATION_S || 60);

const imErrors = new Rate('im_errors');
const sent = new Counter('im_sent');

const account = (kind: string, i: number): string => `${p.prefix}${kind}${i}`;

function scenario(execName: string, startS: number): Scenario {
  const vus = { preAllocatedVUs: 64, maxVUs: 1000, exec: execName, startTime: `${startS}s` };
  return p.profile === 'knee'
    ? { executor: 'ramping-arrival-rate', startRate: p.rate, timeUnit: '1s', stages: kneeStages(p), ...vus }
    : { executor: 'constant-arrival-rate', rate: p.rate, timeUnit: '1s', duration: `${durationS}s`, ...vus };
}

const phaseS = p.profile === 'knee' ? p.maxSteps * (p.stepSeconds + 1) : durationS;
const bound = (command: string) => ({ [`http_req_duration{command:${command}}`]: [{ threshold: `p(99)<${p.p99Ms}`, abortOnFail: p.profile === 'knee', delayAbortEval: '5s' }] });

export const options: Options = {
  setupTimeout: '300s',
  scenarios: { sendmsg: scenario('sendmsg', 0), send_group_msg: scenario('sendGroupMsg', phaseS + 5) },
  thresholds: {
    ...bound('sendmsg'),
    ...bound('send_group_msg'),
    im_errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
  },
};

interface SetupData {
  readonly groupId: string;
}

export function setup(): SetupData {
  const senders = Array.from({ length: pairs }, (_, i) => account('s', i));
  const receivers = Array.from({ length: pairs }, (_, i) => account('r', i));
  importAccounts(p, [...senders, ...receivers]);
  const members = Array.from({ length: groupMembers }, (_, i) => account('g', i));
  importAccounts(p, members);
  return { groupId: __ENV.GROUP_ID || createChatRoom(p, 'k6 REST', members) };
}

function record(answer: { ErrorCode?: number }): void {
  const ok = answer.ErrorCode === 0;
  imErrors.add(!ok);
  sent.add(1);
  check(answer, { 'ErrorCode is 0': () => ok });
}

export function sendmsg(): void {
  const i = exec.scenario.iterationInTest;
  const { answer } = rest(p, 'openim/sendmsg', {
    From_Account: account('s', i % pairs),
    To_Account: account('r', i % pairs),
    MsgRandom: Math.floor(Math.random() * 0xffffffff),
    MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: payload(exec.vu.idInTest, i, p.payloadBytes) } }],
  });
  record(answer);
}

export function sendGroupMsg(data: SetupData): void {
  const i = exec.scenario.iterationInTest;
  const { answer } = rest(p, 'group_open_http_svc/send_group_msg', {
    GroupId: data.groupId,
    From_Account: account('g', 0),
    Random: Math.floor(Math.random() * 0xffffffff),
    MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: payload(exec.vu.idInTest, i, p.payloadBytes) } }],
  });
  record(answer);
}
