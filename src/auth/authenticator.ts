/**
 * Authenticates callers by UserSig: App admins on REST calls, users on `/connect` and when their
 * device joins its inbox. A UserSig signed before the account was last kicked (or deleted) is refused. Admin
 * verdicts are cached briefly (REST callers reuse one UserSig for every call).
 */
import type { AccountStore } from '../../storage/store.ts';
import { type ErrorName, imError } from '../protocol/errors.ts';
import type { AppIdentity } from './app-identity.ts';
import { type UserSigFields, verifyUserSig } from './user-sig.ts';

const ADMIN_CACHE_MS = 30_000;
const ADMIN_CACHE_MAX = 1024;

export class Authenticator {
  readonly #identity: AppIdentity;
  readonly #accounts: AccountStore;
  readonly #now: () => number;
  /** `identifier \n usersig` → when the verdict expires; bounded by ADMIN_CACHE_MAX. */
  readonly #admins = new Map<string, number>();

  constructor(identity: AppIdentity, accounts: AccountStore, now: () => number) {
    this.#identity = identity;
    this.#accounts = accounts;
    this.#now = now;
  }

  get sdkAppId(): number {
    return this.#identity.sdkAppId;
  }

  isAdmin(userId: string): boolean {
    return this.#identity.admins.has(userId);
  }

  #verify(token: string | undefined, identifier: string): UserSigFields {
    return verifyUserSig(token, {
      sdkAppId: this.#identity.sdkAppId,
      key: this.#identity.secretKey,
      identifier,
      now: Math.floor(this.#now() / 1000),
    });
  }

  /** A deleted account's UserSigs stay refused, also once its id is imported again. */
  async #checkNotRevoked(sig: UserSigFields): Promise<void> {
    if (sig.time < (await this.#accounts.sigNotBefore(sig.identifier))) throw imError('UserSigRevoked');
  }

  /**
   * Verifies an App admin's UserSig (REST `identifier` + `usersig`). A non-admin gets `notAdmin`:
   * Tencent answers it with the service's own code (70403, 90009, 10007, 1002; 60010 elsewhere).
   */
  async admin(identifier: string, token: string | undefined, notAdmin: ErrorName = 'AdminRequired'): Promise<void> {
    if (!this.isAdmin(identifier)) throw imError(notAdmin, { identifier });
    const cacheKey = `${identifier}\n${token}`;
    const now = this.#now();
    const until = this.#admins.get(cacheKey);
    if (until !== undefined && until > now) return;
    const sig = this.#verify(token, identifier);
    await this.#checkNotRevoked(sig);
    if (this.#admins.size >= ADMIN_CACHE_MAX) this.#admins.clear();
    this.#admins.set(cacheKey, Math.min(now + ADMIN_CACHE_MS, (sig.time + sig.expire) * 1000));
  }

  /** Verifies a user's UserSig for `userId`; returns its fields. */
  async user(userId: string, token: string | undefined): Promise<UserSigFields> {
    const sig = this.#verify(token, userId);
    await this.#checkNotRevoked(sig);
    return sig;
  }
}
