/** Who issues a command: an App admin (REST) or a logged-in user (client RPC), and from where. */
import type { Platform } from '../protocol/client-ops.ts';
import type { MsgOrigin } from '../protocol/entries.ts';

export type Caller =
  | { readonly kind: 'admin'; readonly userId: string; readonly clientIp?: string }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly platform: Platform;
      readonly clientIp?: string;
      /** The device that issued the call (its session id): what it sends itself comes back in the answer, not as a push. */
      readonly device?: string;
    };

/** Who a message is sent as: a logged-in user always as themself; an App admin as `from`, by default as itself. */
export const senderOf = (c: Caller, from: string | undefined): string => (c.kind === 'user' ? c.userId : (from ?? c.userId));

/** OptPlatform of a caller (Tencent's callback query field): `RESTAPI` for App admins, the device platform for clients. */
export const platformOf = (c: Caller): string => (c.kind === 'admin' ? 'RESTAPI' : c.platform);

/** A caller's address as Tencent reports it (`ClientIP`): IPv4 without Node's `::ffff:` prefix. */
export const plainIp = (ip: string | undefined): string => (ip?.startsWith('::ffff:') ? ip.slice(7) : (ip ?? ''));

/** Where a message was sent from, as its after-callback reports it. */
export const originOf = (c: Caller): MsgOrigin => ({ platform: platformOf(c), clientIp: c.clientIp ?? '' });
