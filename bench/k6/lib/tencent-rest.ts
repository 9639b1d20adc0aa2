/** Tencent-style REST calls from k6: `POST /v4/<service>/<command>?sdkappid=…&usersig=…` as the admin. */
import http from 'k6/http';
import type { K6Params } from './params.ts';

export interface RestAnswer {
  readonly ActionStatus?: string;
  readonly ErrorCode?: number;
  readonly ErrorInfo?: string;
  readonly [field: string]: unknown;
}

export function restUrl(p: K6Params, path: string): string {
  const random = Math.floor(Math.random() * 0xffffffff);
  return `${p.baseUrl}/v4/${path}?sdkappid=${p.sdkAppId}&identifier=${encodeURIComponent(p.admin)}&usersig=${encodeURIComponent(p.adminSig)}&random=${random}&contenttype=json`;
}

/** Posts a command; `command` tags the request so thresholds can select it. */
export function rest(p: K6Params, path: string, body: unknown): { answer: RestAnswer; durationMs: number } {
  const res = http.post(restUrl(p, path), JSON.stringify(body), {
    headers: { 'content-type': 'application/json' },
    tags: { command: path.split('/')[1] ?? path },
  });
  let answer: RestAnswer = {};
  try {
    answer = res.json() as RestAnswer;
  } catch {
    answer = { ErrorCode: -1, ErrorInfo: `HTTP ${res.status}` };
  }
  return { answer, durationMs: res.timings.duration };
}

/** Setup helpers: import accounts (100 per call) and create a ChatRoom group holding `members`. */
export function importAccounts(p: K6Params, ids: readonly string[]): void {
  for (let i = 0; i < ids.length; i += 100) {
    const { answer } = rest(p, 'im_open_login_svc/multiaccount_import', { Accounts: ids.slice(i, i + 100) });
    if (answer.ErrorCode !== 0) throw new Error(`multiaccount_import: ${answer.ErrorCode} ${answer.ErrorInfo}`);
  }
}

export function createChatRoom(p: K6Params, name: string, members: readonly string[]): string {
  const [owner, ...others] = members;
  const { answer } = rest(p, 'group_open_http_svc/create_group', {
    Owner_Account: owner,
    Type: 'ChatRoom',
    Name: name,
    MemberList: others.slice(0, 99).map((m) => ({ Member_Account: m })),
  });
  if (answer.ErrorCode !== 0) throw new Error(`create_group: ${answer.ErrorCode} ${answer.ErrorInfo}`);
  const groupId = String(answer.GroupId);
  for (let i = 99; i < others.length; i += 300) {
    rest(p, 'group_open_http_svc/add_group_member', { GroupId: groupId, Silence: 1, MemberList: others.slice(i, i + 300).map((m) => ({ Member_Account: m })) });
  }
  return groupId;
}
