import { describe, expect, it } from 'vitest';
import { C2C_DENIAL_ERRORS, type C2CSendInput, checkC2CSend } from '../../src/im/sns/c2c-permission.ts';
import { NOSPEAKING_FOREVER_S, NOT_MUTED, applyNospeaking, mutedAt, nospeakingView, remainingNospeakingS } from '../../src/im/sns/global-mute.ts';

const NOW = 1_700_000_000_000;
const send = (over: Partial<C2CSendInput> = {}) =>
  checkC2CSend({ now: NOW, senderMutedUntil: 0, receiverBlacklistsSender: false, friendsOnly: false, senderHasReceiver: false, receiverHasSender: false, ...over });
const codeOf = (c: ReturnType<typeof send>): number | 0 => (c.allowed ? 0 : C2C_DENIAL_ERRORS[c.reason].code);

describe('client C2C send permission (spec §3.8, §6.3)', () => {
  it('lets strangers write when the app does not require friendship', () => {
    expect(send()).toEqual({ allowed: true });
  });

  it('refuses a sender in the receiver’s blacklist (20007), but not the other way round', () => {
    expect(send({ receiverBlacklistsSender: true })).toEqual({ allowed: false, reason: 'blacklisted', silent: false });
    expect(codeOf(send({ receiverBlacklistsSender: true }))).toBe(20007);
    // S blacklisting R is R's row of S, which this check never reads: S still writes to R.
    expect(send({ receiverBlacklistsSender: false })).toEqual({ allowed: true });
  });

  it('makes a blacklisted send look sent when the app says so', () => {
    expect(send({ receiverBlacklistsSender: true, blockedLooksSent: true })).toEqual({ allowed: false, reason: 'blacklisted', silent: true });
  });

  it('requires friendship both ways in a friends-only app: 20009 neither, 20010 not in R’s list, 20011 not in S’s list', () => {
    expect(codeOf(send({ friendsOnly: true }))).toBe(20009);
    expect(codeOf(send({ friendsOnly: true, senderHasReceiver: true }))).toBe(20010);
    expect(codeOf(send({ friendsOnly: true, receiverHasSender: true }))).toBe(20011);
    expect(send({ friendsOnly: true, senderHasReceiver: true, receiverHasSender: true })).toEqual({ allowed: true });
  });

  it('refuses a globally muted sender (20012) until the mute lapses', () => {
    expect(codeOf(send({ senderMutedUntil: NOW + 1 }))).toBe(20012);
    expect(codeOf(send({ senderMutedUntil: NOSPEAKING_FOREVER_S * 1000 }))).toBe(20012);
    expect(send({ senderMutedUntil: NOW })).toEqual({ allowed: true });
  });

  it('checks mute first, then the blacklist, then friendship', () => {
    expect(codeOf(send({ senderMutedUntil: NOW + 1000, receiverBlacklistsSender: true, friendsOnly: true }))).toBe(20012);
    expect(codeOf(send({ receiverBlacklistsSender: true, friendsOnly: true }))).toBe(20007);
  });

  it('names a catalogue entry and a distinct Tencent code for every denial', () => {
    expect(Object.values(C2C_DENIAL_ERRORS).map((e) => e.code)).toEqual([20012, 20007, 20009, 20010, 20011]);
  });
});

describe('setnospeaking / getnospeaking (spec §3.8)', () => {
  it('mutes for the given seconds, for ever at 4294967295, and 0 cancels', () => {
    const m = applyNospeaking(NOT_MUTED, { c2cS: 60, groupS: NOSPEAKING_FOREVER_S }, NOW);
    expect(m).toEqual({ ok: true, mute: { c2cUntil: NOW + 60_000, groupUntil: NOSPEAKING_FOREVER_S * 1000 } });
    if (!m.ok) return;
    expect(applyNospeaking(m.mute, { c2cS: 0 }, NOW)).toEqual({ ok: true, mute: { c2cUntil: 0, groupUntil: NOSPEAKING_FOREVER_S * 1000 } });
  });

  it('leaves a part alone when its time is not given, and refuses a request with neither (130008)', () => {
    const current = { c2cUntil: NOW + 5000, groupUntil: 0 };
    expect(applyNospeaking(current, { groupS: 10 }, NOW)).toEqual({ ok: true, mute: { c2cUntil: NOW + 5000, groupUntil: NOW + 10_000 } });
    expect(applyNospeaking(current, {}, NOW)).toEqual({ ok: false, reason: 'noTime' });
  });

  it('refuses times that are not u32 integers', () => {
    expect(applyNospeaking(NOT_MUTED, { c2cS: -1 }, NOW)).toEqual({ ok: false, reason: 'badTime', field: 'C2CmsgNospeakingTime' });
    expect(applyNospeaking(NOT_MUTED, { groupS: 1.5 }, NOW)).toEqual({ ok: false, reason: 'badTime', field: 'GroupmsgNospeakingTime' });
    expect(applyNospeaking(NOT_MUTED, { c2cS: 2 ** 32 }, NOW)).toMatchObject({ ok: false, reason: 'badTime' });
  });

  it('reads the remaining seconds, rounded up; 0 when over; 4294967295 when for ever', () => {
    expect(remainingNospeakingS(0, NOW)).toBe(0);
    expect(remainingNospeakingS(NOW - 1, NOW)).toBe(0);
    expect(remainingNospeakingS(NOW, NOW)).toBe(0);
    expect(remainingNospeakingS(NOW + 1, NOW)).toBe(1);
    expect(remainingNospeakingS(NOW + 60_000, NOW)).toBe(60);
    expect(remainingNospeakingS(NOSPEAKING_FOREVER_S * 1000, NOW)).toBe(4294967295);
    expect(nospeakingView({ c2cUntil: NOW + 30_500, groupUntil: NOSPEAKING_FOREVER_S * 1000 }, NOW)).toEqual({ c2cS: 31, groupS: 4294967295 });
    expect(mutedAt(NOW + 1, NOW)).toBe(true);
  });
});
