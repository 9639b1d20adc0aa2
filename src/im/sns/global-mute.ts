/**
 * Global mutes (Tencent's openconfigsvr setnospeaking / getnospeaking, spec §3.8) as pure functions:
 * an account muted for C2C sends (20012) and/or group sends (10017) for some seconds, for ever, or
 * not at all. Mutes are kept as until-times (Unix ms) on the account and lapse by themselves.
 */
import { MUTE_FOREVER_S, muteUntilOf } from '../groups/member-changes.ts';

/** 4294967295 seconds: muted for ever (stored as the until-time MUTE_FOREVER_S × 1000, as group mutes are). */
export const NOSPEAKING_FOREVER_S = MUTE_FOREVER_S;

/** An account's global mutes: until when (Unix ms) it may not send C2C / group messages; 0 = not muted. */
export interface GlobalMute {
  readonly c2cUntil: number;
  readonly groupUntil: number;
}
export const NOT_MUTED: GlobalMute = { c2cUntil: 0, groupUntil: 0 };

/** setnospeaking's times, seconds (0 cancels, 4294967295 mutes for ever); an absent one is left as it is. */
export interface NospeakingRequest {
  readonly c2cS?: number;
  readonly groupS?: number;
}

/**
 * The outcome of a setnospeaking request. Refusals and the codes they map to (not yet in the
 * catalogue): `noTime` — neither time given → 130008; `badTime` — a time that is not an integer in
 * 0..4294967295 → 130001 (Tencent's parse error; the exact code is unverified).
 */
export type NospeakingChange =
  | { readonly ok: true; readonly mute: GlobalMute }
  | { readonly ok: false; readonly reason: 'noTime' }
  | { readonly ok: false; readonly reason: 'badTime'; readonly field: 'C2CmsgNospeakingTime' | 'GroupmsgNospeakingTime' };

const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= NOSPEAKING_FOREVER_S;

/** Unix ms a mute of `seconds` from `now` lasts until: 0 for 0, the for-ever until-time for 4294967295. */
export const nospeakingUntil = (seconds: number, now: number): number => muteUntilOf(seconds, now);

/** The account's mutes after setnospeaking `req` at `now` (Unix ms): each given time replaces its part. */
export function applyNospeaking(current: GlobalMute, req: NospeakingRequest, now: number): NospeakingChange {
  if (req.c2cS === undefined && req.groupS === undefined) return { ok: false, reason: 'noTime' };
  if (req.c2cS !== undefined && !isU32(req.c2cS)) return { ok: false, reason: 'badTime', field: 'C2CmsgNospeakingTime' };
  if (req.groupS !== undefined && !isU32(req.groupS)) return { ok: false, reason: 'badTime', field: 'GroupmsgNospeakingTime' };
  return {
    ok: true,
    mute: {
      c2cUntil: req.c2cS === undefined ? current.c2cUntil : nospeakingUntil(req.c2cS, now),
      groupUntil: req.groupS === undefined ? current.groupUntil : nospeakingUntil(req.groupS, now),
    },
  };
}

/** Is a mute lasting until `until` (Unix ms) in force at `now`? */
export const mutedAt = (until: number, now: number): boolean => until > now;

/**
 * getnospeaking's remaining seconds for a mute until `until`: 0 when none or over, 4294967295 for ever
 * (any until-time at or past the for-ever one: a finite mute reaching past 2106 reads as for ever),
 * else the seconds left rounded up, so a mute in force never reads 0.
 */
export function remainingNospeakingS(until: number, now: number): number {
  if (!mutedAt(until, now)) return 0;
  if (until >= NOSPEAKING_FOREVER_S * 1000) return NOSPEAKING_FOREVER_S;
  return Math.min(Math.ceil((until - now) / 1000), NOSPEAKING_FOREVER_S - 1);
}

/** getnospeaking's answer, seconds remaining per part (the transport names them C2CmsgNospeakingTime / GroupmsgNospeakingTime). */
export const nospeakingView = (m: GlobalMute, now: number): { c2cS: number; groupS: number } => ({
  c2cS: remainingNospeakingS(m.c2cUntil, now),
  groupS: remainingNospeakingS(m.groupUntil, now),
});
