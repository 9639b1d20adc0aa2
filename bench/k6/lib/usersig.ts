/**
 * UserSig v2 signing inside k6, as src/auth/user-sig.ts does it in Node: HMAC-SHA256 (k6/crypto)
 * over the `TLS.*` fields, the JSON document zlib-wrapped in stored blocks (no compression is
 * needed for a valid token), base64 in Tencent's URL-safe variant.
 */
import { hmac } from 'k6/crypto';
import { b64encode } from 'k6/encoding';
import { utf8Encode } from './bytes.ts';
import { tencentBase64, zlibStored } from './zlib-stored.ts';

export interface SignOptions {
  readonly sdkAppId: number;
  readonly key: string;
  readonly identifier: string;
  /** Seconds of validity; default 1 day. */
  readonly expire?: number;
  /** Unix seconds; default now. */
  readonly time?: number;
}

export function signUserSig(o: SignOptions): string {
  const time = o.time ?? Math.floor(Date.now() / 1000);
  const expire = o.expire ?? 86_400;
  const toSign = `TLS.identifier:${o.identifier}\nTLS.sdkappid:${o.sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': o.identifier,
    'TLS.sdkappid': o.sdkAppId,
    'TLS.expire': expire,
    'TLS.time': time,
    'TLS.sig': hmac('sha256', o.key, toSign, 'base64'),
  };
  const packed = zlibStored(utf8Encode(JSON.stringify(doc)));
  return tencentBase64(b64encode(packed.buffer as ArrayBuffer, 'std'));
}
