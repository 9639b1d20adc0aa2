/**
 * Expiring download URLs for chat-record files: `<baseUrl>/archive/<file>?expires=<unix s>&sig=<hex>`
 * where `sig = HMAC-SHA256(app secret key, "/archive/<file>?expires=<unix s>")`. Every node shares
 * the secret key, so any node signs URLs that the node holding the file accepts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedUrl {
  readonly url: string;
  /** When the URL stops working, Unix ms (a whole second). */
  readonly expiresAt: number;
}

export type UrlCheck = 'ok' | 'expired' | 'forged';

/** The path a file is served at. */
export const archivePath = (file: string): string => `/archive/${encodeURIComponent(file)}`;

export class ArchiveUrls {
  readonly #key: string;
  readonly #ttlS: number;
  readonly #now: () => number;

  /** `ttlS`: how long a URL works, seconds; `now`: Parley's clock, Unix ms. */
  constructor(secretKey: string, ttlS: number, now: () => number) {
    this.#key = secretKey;
    this.#ttlS = ttlS;
    this.#now = now;
  }

  /** A URL for `file` on the node at `baseUrl` (`http://host:port`), valid for the TTL from now. */
  sign(baseUrl: string, file: string): SignedUrl {
    const expires = Math.floor(this.#now() / 1000) + this.#ttlS;
    const path = archivePath(file);
    return { url: `${baseUrl}${path}?expires=${expires}&sig=${this.#sig(path, String(expires))}`, expiresAt: expires * 1000 };
  }

  /** Whether a request for `path` with these query values may be served: forged (bad or missing signature) or expired fail. */
  check(path: string, expires: unknown, sig: unknown): UrlCheck {
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof sig !== 'string' || !/^[0-9a-f]{64}$/.test(sig)) return 'forged';
    const want = Buffer.from(this.#sig(path, expires), 'hex');
    if (!timingSafeEqual(want, Buffer.from(sig, 'hex'))) return 'forged';
    return Number(expires) * 1000 < this.#now() ? 'expired' : 'ok';
  }

  #sig(path: string, expires: string): string {
    return createHmac('sha256', this.#key).update(`${path}?expires=${expires}`).digest('hex');
  }
}
