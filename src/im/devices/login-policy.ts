/**
 * Which of a user's devices a new login closes (spec §8.5, Tencent's multi-login policies; the newest
 * login always wins). Platforms fall into classes that may not be online together on two platforms
 * at once:
 *
 * - `single`: every platform is one class — one platform online at a time;
 * - `dual`: the native platforms (iOS, Android, iPad, Windows, Mac, Linux) are one class, Web another;
 * - `triple`: mobile (iOS, Android, iPad), desktop (Windows, Mac, Linux) and Web are a class each;
 * - `multi`: each platform is its own class.
 *
 * Within its class a login closes the devices of other platforms, and on its own platform the
 * oldest beyond the platform's instance limit (`perPlatform`; `web` for Web).
 */
import type { Platform } from '../../protocol/client-ops.ts';

export const LOGIN_POLICIES = ['single', 'dual', 'triple', 'multi'] as const;
export type LoginPolicy = (typeof LOGIN_POLICIES)[number];

export interface LoginLimits {
  readonly policy: LoginPolicy;
  /** Devices of one native platform online at once (Tencent: 1, up to 3). */
  readonly perPlatform: number;
  /** Web devices online at once (Tencent: 1, up to 10). */
  readonly web: number;
}

/** A connected device as the rule sees it. */
export interface LoggedIn<K> {
  readonly key: K;
  readonly platform: Platform;
  /** When it logged in (any increasing order). */
  readonly since: number;
}

const MOBILE: ReadonlySet<Platform> = new Set(['iOS', 'Android', 'iPad']);

function classOf(policy: LoginPolicy, p: Platform): string {
  switch (policy) {
    case 'single':
      return 'all';
    case 'dual':
      return p === 'Web' ? 'web' : 'native';
    case 'triple':
      return p === 'Web' ? 'web' : MOBILE.has(p) ? 'mobile' : 'desktop';
    case 'multi':
      return p;
  }
}

/** The devices among `online` that a new login on `platform` closes, oldest first. */
export function devicesToClose<K>(limits: LoginLimits, online: readonly LoggedIn<K>[], platform: Platform): K[] {
  const cls = classOf(limits.policy, platform);
  const rivals = online.filter((d) => classOf(limits.policy, d.platform) === cls);
  const otherPlatforms = rivals.filter((d) => d.platform !== platform);
  const samePlatform = rivals.filter((d) => d.platform === platform).sort((a, b) => a.since - b.since);
  const limit = platform === 'Web' ? limits.web : limits.perPlatform;
  const beyond = samePlatform.slice(0, Math.max(0, samePlatform.length - (limit - 1)));
  return [...otherPlatforms, ...beyond].sort((a, b) => a.since - b.since).map((d) => d.key);
}
