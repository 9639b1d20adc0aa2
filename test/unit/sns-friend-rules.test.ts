import { describe, expect, it } from 'vitest';
import { FRIEND_EXISTS_INFO, checkAddFriendItem, checkAddSource, checkGroupName, checkRemark } from '../../src/im/sns/friend-fields.ts';
import { type FriendAddInput, type FriendAddOutcome, type FriendAddState, SNS_LIMITS, checkRelation, decideFriendAdd, decideFriendDelete, prevCallbackVeto } from '../../src/im/sns/friend-rules.ts';
import { type FriendResponseInput, type FriendResponseState, decideFriendResponse } from '../../src/im/sns/friend-responses.ts';

const state = (over: Partial<FriendAddState> = {}): FriendAddState => ({
  aHasB: false,
  bHasA: false,
  aFriendCount: 0,
  bFriendCount: 0,
  aBlacklistsB: false,
  bBlacklistsA: false,
  bAllowType: 'AllowType_Type_AllowAny',
  aForbidden: false,
  aGroups: [],
  aPendingOut: 0,
  bPendingIn: 0,
  pendingAToB: false,
  pendingBToA: false,
  ...over,
});
const add = (over: Partial<FriendAddState> = {}, opts: Partial<Omit<FriendAddInput, 'state'>> = {}): FriendAddOutcome =>
  decideFriendAdd({ from: 'ann', item: { to: 'ben', addSource: 'AddSource_Type_Android' }, addType: 'Add_Type_Both', force: false, ...opts, state: state(over) });
const codeOf = (o: { kind: string; error?: { code: number } }): number | undefined => (o.kind === 'refused' ? o.error?.code : undefined);
const refusedWith = (o: FriendAddOutcome) => (o.kind === 'refused' ? { code: o.error.code, info: o.error.info } : o.kind);

describe('friend fields (spec §6.2)', () => {
  it('takes AddSource_Type_ with 1 to 8 letters and refuses anything else with 30001', () => {
    expect(checkAddSource('AddSource_Type_Android')).toBeUndefined();
    expect(checkAddSource('AddSource_Type_a')).toBeUndefined();
    expect(checkAddSource('AddSource_Type_Androids')).toBeUndefined();
    for (const bad of ['AddSource_Type_', 'AddSource_Type_Androidxx', 'AddSource_Type_And1', 'Android', 'addsource_type_Web']) {
      expect(checkAddSource(bad)).toMatchObject({ code: 30001 });
    }
  });

  it('limits Remark to 96 bytes, AddWording to 256 and group names to 30 non-empty bytes', () => {
    expect(checkRemark('r'.repeat(96))).toBeUndefined();
    expect(checkRemark('r'.repeat(97))).toMatchObject({ code: 30001, info: 'Remark is 97 bytes, at most 96 are allowed' });
    expect(checkRemark('好'.repeat(33))).toMatchObject({ code: 30001 });
    expect(checkGroupName('g'.repeat(30))).toBeUndefined();
    expect(checkGroupName('g'.repeat(31))).toMatchObject({ code: 30001 });
    expect(checkGroupName('')).toMatchObject({ code: 30001, info: 'GroupName may not be empty' });
    const item = { to: 'ben', addSource: 'AddSource_Type_Web' };
    expect(checkAddFriendItem('ann', { ...item, addWording: 'w'.repeat(256) })).toBeUndefined();
    expect(checkAddFriendItem('ann', { ...item, addWording: 'w'.repeat(257) })).toMatchObject({ code: 30001 });
    expect(checkAddFriendItem('ann', { ...item, groupName: 'g'.repeat(31) })).toMatchObject({ code: 30001 });
    expect(checkAddFriendItem('ann', { ...item, groupName: '' })).toBeUndefined();
    expect(checkAddFriendItem('ann', { ...item, to: 'ann' })).toMatchObject({ code: 30001 });
  });
});

describe('friend_add (spec §3.4, §6.3)', () => {
  it('adds both ways at once when the peer takes anyone (AllowAny, Add_Type_Both)', () => {
    const o = add({}, { item: { to: 'ben', addSource: 'AddSource_Type_Web', remark: 'Benny', groupName: 'work', addWording: 'hi' } });
    expect(o).toEqual({
      kind: 'added',
      links: [
        { owner: 'ann', friend: 'ben', remark: 'Benny', groups: ['work'], addSource: 'AddSource_Type_Web', addWording: 'hi' },
        { owner: 'ben', friend: 'ann', remark: '', groups: [], addSource: 'AddSource_Type_Web', addWording: 'hi' },
      ],
      createsGroups: [{ owner: 'ann', name: 'work' }],
      dropPending: [],
    });
  });

  it('adds only A→B for Add_Type_Single', () => {
    const o = add({}, { addType: 'Add_Type_Single' });
    expect(o.kind === 'added' && o.links.map((l) => `${l.owner}>${l.friend}`)).toEqual(['ann>ben']);
  });

  it('records a pending request (30539) when the peer must confirm', () => {
    const o = add({ bAllowType: 'AllowType_Type_NeedConfirm' }, { item: { to: 'ben', addSource: 'AddSource_Type_Web', remark: 'B', groupName: 'pals', addWording: 'hello' } });
    expect(o).toMatchObject({
      kind: 'pending',
      replaces: false,
      request: { from: 'ann', to: 'ben', addType: 'Add_Type_Both', remark: 'B', groupName: 'pals', addSource: 'AddSource_Type_Web', addWording: 'hello' },
      result: { code: 30539 },
    });
  });

  it('lets a repeated request replace the earlier one, even at the pending limit', () => {
    const max = SNS_LIMITS.pendingRequests;
    expect(add({ bAllowType: 'AllowType_Type_NeedConfirm', pendingAToB: true, aPendingOut: max, bPendingIn: max })).toMatchObject({ kind: 'pending', replaces: true });
    expect(codeOf(add({ bAllowType: 'AllowType_Type_NeedConfirm', aPendingOut: max }))).toBe(30012);
    expect(codeOf(add({ bAllowType: 'AllowType_Type_NeedConfirm', bPendingIn: max }))).toBe(30012);
  });

  it('refuses a peer that accepts nobody (30516) unless forced; ForceAddFlags skips confirmation too', () => {
    expect(codeOf(add({ bAllowType: 'AllowType_Type_DenyAny' }))).toBe(30516);
    expect(add({ bAllowType: 'AllowType_Type_DenyAny' }, { force: true })).toMatchObject({ kind: 'added' });
    expect(add({ bAllowType: 'AllowType_Type_NeedConfirm' }, { force: true })).toMatchObject({ kind: 'added' });
  });

  it('lifts nothing but AllowType with ForceAddFlags: blacklists, admin forbids and limits still refuse', () => {
    const force = { force: true };
    expect(codeOf(add({ aBlacklistsB: true }, force))).toBe(30515);
    expect(codeOf(add({ bBlacklistsA: true }, force))).toBe(30525);
    expect(codeOf(add({ aForbidden: true }, force))).toBe(30009);
    expect(codeOf(add({ aFriendCount: 3000 }, force))).toBe(30010);
    expect(codeOf(add({ bFriendCount: 3000 }, force))).toBe(30014);
  });

  it('refuses when either side blacklists the other: 30515 for my blacklist, 30525 for the peer’s', () => {
    expect(add({ aBlacklistsB: true })).toMatchObject({ kind: 'refused', error: { code: 30515, info: 'ben is in the blacklist of ann' } });
    expect(add({ bBlacklistsA: true })).toMatchObject({ kind: 'refused', error: { code: 30525, info: 'ann is in the blacklist of ben' } });
  });

  it('refuses a requester the App admin forbade to send requests (30009), before anything else but the fields', () => {
    expect(codeOf(add({ aForbidden: true, aBlacklistsB: true, aHasB: true, bHasA: true }))).toBe(30009);
  });

  it('answers 30001 Err_SNS_FriendAdd_Friend_Exist when nothing is missing', () => {
    expect(refusedWith(add({ aHasB: true }, { addType: 'Add_Type_Single' }))).toEqual({ code: 30001, info: FRIEND_EXISTS_INFO });
    expect(refusedWith(add({ aHasB: true, bHasA: true }))).toEqual({ code: 30001, info: 'Err_SNS_FriendAdd_Friend_Exist' });
  });

  it('completes only B→A for Add_Type_Both when A already has B, still by B’s AllowType', () => {
    const o = add({ aHasB: true, aFriendCount: 3000 }, { item: { to: 'ben', addSource: 'AddSource_Type_Web', remark: 'ignored', groupName: 'ignored' } });
    expect(o).toEqual({ kind: 'added', links: [{ owner: 'ben', friend: 'ann', remark: '', groups: [], addSource: 'AddSource_Type_Web', addWording: '' }], createsGroups: [], dropPending: [] });
    expect(add({ aHasB: true, bAllowType: 'AllowType_Type_NeedConfirm' })).toMatchObject({ kind: 'pending' });
    expect(codeOf(add({ aHasB: true, bAllowType: 'AllowType_Type_DenyAny' }))).toBe(30516);
  });

  it('adds A→B without asking when B already has A (B’s own list is its consent), but not past DenyAny', () => {
    for (const addType of ['Add_Type_Both', 'Add_Type_Single'] as const) {
      const o = add({ bHasA: true, bAllowType: 'AllowType_Type_NeedConfirm' }, { addType });
      expect(o.kind === 'added' && o.links.map((l) => `${l.owner}>${l.friend}`)).toEqual(['ann>ben']);
    }
    expect(codeOf(add({ bHasA: true, bAllowType: 'AllowType_Type_DenyAny' }))).toBe(30516);
  });

  it('refuses past my friend limit (30010) and, when B→A is added, past the peer’s (30014)', () => {
    expect(add({ aFriendCount: 3000 })).toMatchObject({ kind: 'refused', error: { code: 30010, info: 'ann already has 3000 friends, the limit' } });
    expect(codeOf(add({ bFriendCount: 3000 }))).toBe(30014);
    expect(add({ bFriendCount: 3000 }, { addType: 'Add_Type_Single' })).toMatchObject({ kind: 'added' });
    expect(add({ bFriendCount: 3000, bAllowType: 'AllowType_Type_NeedConfirm' })).toMatchObject({ kind: 'pending' });
    expect(codeOf(add({ aFriendCount: 3000, bAllowType: 'AllowType_Type_NeedConfirm' }))).toBe(30010);
    expect(codeOf(decideFriendAdd({ from: 'ann', item: { to: 'ben', addSource: 'AddSource_Type_Web' }, addType: 'Add_Type_Both', force: false, state: state({ aFriendCount: 2 }) }, { ...SNS_LIMITS, friends: 2 }))).toBe(30010);
  });

  it('creates the GroupName if new, refusing past 32 groups (30011); an existing group is simply used', () => {
    const groups = Array.from({ length: 32 }, (_, i) => `g${i}`);
    const item = (groupName: string) => ({ item: { to: 'ben', addSource: 'AddSource_Type_Web', groupName } });
    expect(codeOf(add({ aGroups: groups }, item('new')))).toBe(30011);
    expect(add({ aGroups: groups }, item('g3'))).toMatchObject({ kind: 'added', createsGroups: [], links: [{ groups: ['g3'] }, {}] });
  });

  it('refuses bad fields first (30001), whatever the relation', () => {
    expect(codeOf(add({ aForbidden: true }, { item: { to: 'ben', addSource: 'Android' } }))).toBe(30001);
    expect(codeOf(add({}, { item: { to: 'ann', addSource: 'AddSource_Type_Web' } }))).toBe(30001);
  });

  it('drops the pending requests a new link fulfils', () => {
    const o = add({ pendingAToB: true, pendingBToA: true }, { force: true });
    expect(o).toMatchObject({ kind: 'added', dropPending: [{ from: 'ann', to: 'ben' }, { from: 'ben', to: 'ann' }] });
    expect(add({ pendingBToA: true }, { addType: 'Add_Type_Single' })).toMatchObject({ kind: 'added', dropPending: [] });
  });
});

describe('answering a friend request (spec §6.3)', () => {
  const request = { from: 'ann', to: 'ben', addType: 'Add_Type_Both', remark: 'Benny', groupName: 'pals', addSource: 'AddSource_Type_Web', addWording: 'hi' } as const;
  const rstate = (over: Partial<FriendResponseState> = {}): FriendResponseState => ({
    request,
    requesterHasResponder: false,
    responderHasRequester: false,
    requesterFriendCount: 0,
    responderFriendCount: 0,
    requesterGroups: [],
    responderGroups: [],
    pendingResponderToRequester: false,
    ...over,
  });
  const respond = (action: FriendResponseInput['item']['action'], over: Partial<FriendResponseState> = {}, extra: { remark?: string; tagName?: string } = {}) =>
    decideFriendResponse({ responder: 'ben', item: { to: 'ann', action, ...extra }, state: rstate(over) });
  const pairs = (o: ReturnType<typeof respond>) => (o.kind === 'added' ? o.links.map((l) => `${l.owner}>${l.friend}`) : o.kind);

  it('makes the responder the requester’s friend one way on Agree, with the request’s fields', () => {
    const o = respond('Response_Action_Agree');
    expect(o).toEqual({
      kind: 'added',
      links: [{ owner: 'ann', friend: 'ben', remark: 'Benny', groups: ['pals'], addSource: 'AddSource_Type_Web', addWording: 'hi' }],
      createsGroups: [{ owner: 'ann', name: 'pals' }],
      dropPending: [{ from: 'ann', to: 'ben' }],
    });
  });

  it('adds both ways on AgreeAndAdd, the responder’s side with its Remark and TagName', () => {
    const o = respond('Response_Action_AgreeAndAdd', { pendingResponderToRequester: true }, { remark: 'Annie', tagName: 'mates' });
    expect(pairs(o)).toEqual(['ann>ben', 'ben>ann']);
    expect(o).toMatchObject({
      links: [{}, { owner: 'ben', friend: 'ann', remark: 'Annie', groups: ['mates'] }],
      createsGroups: [{ owner: 'ann', name: 'pals' }, { owner: 'ben', name: 'mates' }],
      dropPending: [{ from: 'ann', to: 'ben' }, { from: 'ben', to: 'ann' }],
    });
  });

  it('drops the request and adds nothing on Reject', () => {
    expect(respond('Response_Action_Reject')).toEqual({ kind: 'rejected', dropPending: [{ from: 'ann', to: 'ben' }] });
  });

  it('answers 30614 when there is no pending request', () => {
    for (const action of ['Response_Action_Agree', 'Response_Action_AgreeAndAdd', 'Response_Action_Reject'] as const) {
      expect(codeOf(respond(action, { request: undefined }))).toBe(30614);
    }
  });

  it('refuses past the requester’s friend limit (30014) and, for AgreeAndAdd, the responder’s (30010) and group limit (30011)', () => {
    expect(codeOf(respond('Response_Action_Agree', { requesterFriendCount: 3000 }))).toBe(30014);
    expect(codeOf(respond('Response_Action_Agree', { responderFriendCount: 3000 }))).toBeUndefined();
    expect(codeOf(respond('Response_Action_AgreeAndAdd', { responderFriendCount: 3000 }))).toBe(30010);
    const full = Array.from({ length: 32 }, (_, i) => `g${i}`);
    expect(codeOf(respond('Response_Action_AgreeAndAdd', { responderGroups: full }, { tagName: 'new' }))).toBe(30011);
    expect(codeOf(respond('Response_Action_AgreeAndAdd', {}, { remark: 'r'.repeat(97) }))).toBe(30001);
    expect(codeOf(respond('Response_Action_AgreeAndAdd', {}, { tagName: 'g'.repeat(31) }))).toBe(30001);
  });

  it('adds A→B without the requested group when the requester has no room for it any more', () => {
    const full = Array.from({ length: 32 }, (_, i) => `g${i}`);
    expect(respond('Response_Action_Agree', { requesterGroups: full })).toMatchObject({ kind: 'added', links: [{ groups: [] }], createsGroups: [] });
  });

  it('leaves existing directions alone', () => {
    expect(pairs(respond('Response_Action_AgreeAndAdd', { requesterHasResponder: true }))).toEqual(['ben>ann']);
    expect(pairs(respond('Response_Action_AgreeAndAdd', { requesterHasResponder: true, responderHasRequester: true }))).toEqual([]);
  });
});

describe('friend_delete and friend_check (spec §3.4, §6.3)', () => {
  const del = (aHasB: boolean, bHasA: boolean, deleteType: 'Delete_Type_Single' | 'Delete_Type_Both') => decideFriendDelete({ from: 'ann', to: 'ben', aHasB, bHasA, deleteType });

  it('removes A→B for Delete_Type_Single and both ways for Delete_Type_Both', () => {
    expect(del(true, true, 'Delete_Type_Single')).toEqual({ kind: 'deleted', links: [{ owner: 'ann', friend: 'ben' }] });
    expect(del(true, true, 'Delete_Type_Both')).toEqual({ kind: 'deleted', links: [{ owner: 'ann', friend: 'ben' }, { owner: 'ben', friend: 'ann' }] });
    expect(del(false, true, 'Delete_Type_Both')).toEqual({ kind: 'deleted', links: [{ owner: 'ben', friend: 'ann' }] });
  });

  it('answers 31704 for a target that is not a friend', () => {
    expect(del(false, true, 'Delete_Type_Single')).toMatchObject({ kind: 'refused', error: { code: 31704, info: 'ben is not a friend of ann' } });
    expect(codeOf(del(false, false, 'Delete_Type_Both'))).toBe(31704);
  });

  it('reports CheckResult_Type_* relations: Single looks at A’s list only, Both looks both ways', () => {
    expect(checkRelation(true, true, 'CheckResult_Type_Single')).toBe('CheckResult_Type_AWithB');
    expect(checkRelation(false, true, 'CheckResult_Type_Single')).toBe('CheckResult_Type_NoRelation');
    expect(checkRelation(true, true, 'CheckResult_Type_Both')).toBe('CheckResult_Type_BothWay');
    expect(checkRelation(true, false, 'CheckResult_Type_Both')).toBe('CheckResult_Type_AWithB');
    expect(checkRelation(false, true, 'CheckResult_Type_Both')).toBe('CheckResult_Type_BWithA');
    expect(checkRelation(false, false, 'CheckResult_Type_Both')).toBe('CheckResult_Type_NoRelation');
  });
});

describe('Sns.CallbackPrevFriendAdd / PrevFriendResponse answers (spec §7.2)', () => {
  it('lets 0 through, passes an app code in 38000–39000 with its ResultInfo, and reports any other veto as 38000', () => {
    expect(prevCallbackVeto(0, '')).toBeUndefined();
    expect(prevCallbackVeto(38123, 'not today')).toMatchObject({ code: 38123, info: 'not today', errorName: 'SnsCallbackAppError' });
    expect(prevCallbackVeto(39000, 'x')).toMatchObject({ code: 39000 });
    expect(prevCallbackVeto(1, '')).toMatchObject({ code: 38000, info: 'the app server refused the request (ResultCode 1)' });
    expect(prevCallbackVeto(39001, 'too high')).toMatchObject({ code: 38000, info: 'too high' });
  });
});
