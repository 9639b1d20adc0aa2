/** Who issues a command: an App admin (REST) or a logged-in user (client RPC). */
import type { Platform } from '../protocol/client-ops.ts';

export type Caller =
  | { readonly kind: 'admin'; readonly userId: string }
  | { readonly kind: 'user'; readonly userId: string; readonly platform: Platform };

export const isAdmin = (c: Caller): boolean => c.kind === 'admin';
