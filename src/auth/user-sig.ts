/**
 * Tencent UserSig v2 (HMAC-SHA256, spec §2): sign and verify. The app key is used as UTF-8 bytes,
 * the token is zlib-compressed JSON in a URL-safe base64 variant (`+`→`*`, `/`→`-`, `=`→`_`).
 * Verification parses the JSON (key order and whitespace differ between official libraries) and
 * recomputes the HMAC over the fields as read from the token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { imError } from '../protocol/errors.ts';

export interface UserSigFields {
  readonly identifier: string;
  readonly sdkAppId: number;
  /** Unix seconds when the token was signed. */
  readonly time: number;
  /** Validity in seconds from `time`. */
  readonly expire: number;
  readonly userbuf?: Buffer;
}

export interface SignOptions {
  readonly sdkAppId: number;
  readonly key: string;
  readonly identifier: string;
  /** Seconds; Tencent's libraries default to 180 days. */
  readonly expire?: number;
  /** Unix seconds; defaults to now. */
  readonly time?: number;
  readonly userbuf?: Buffer;
}

export const DEFAULT_EXPIRE_SECONDS = 180 * 86400;

function stringToSign(f: UserSigFields): string {
  let s = `TLS.identifier:${f.identifier}\nTLS.sdkappid:${f.sdkAppId}\nTLS.time:${f.time}\nTLS.expire:${f.expire}\n`;
  if (f.userbuf) s += `TLS.userbuf:${f.userbuf.toString('base64')}\n`;
  return s;
}

/** The base64 HMAC-SHA256 of the signed string (`TLS.sig`). */
export function computeSig(key: string, fields: UserSigFields): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(stringToSign(fields)).digest('base64');
}

function toUrlBase64(b64: string): string {
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function fromUrlBase64(token: string): Buffer {
  const b64 = token.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return Buffer.from(b64, 'base64');
}

export function signUserSig(o: SignOptions): string {
  const fields: UserSigFields = {
    identifier: o.identifier,
    sdkAppId: o.sdkAppId,
    time: o.time ?? Math.floor(Date.now() / 1000),
    expire: o.expire ?? DEFAULT_EXPIRE_SECONDS,
    userbuf: o.userbuf,
  };
  const doc: Record<string, string | number> = {
    'TLS.ver': '2.0',
    'TLS.identifier': fields.identifier,
    'TLS.sdkappid': fields.sdkAppId,
    'TLS.expire': fields.expire,
    'TLS.time': fields.time,
  };
  if (fields.userbuf) doc['TLS.userbuf'] = fields.userbuf.toString('base64');
  doc['TLS.sig'] = computeSig(o.key, fields);
  return toUrlBase64(deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64'));
}

interface DecodedSig extends UserSigFields {
  readonly sig: string;
}

/** Decodes a token without checking it; throws 70003 when it is not a UserSig at all. */
export function decodeUserSig(token: string): DecodedSig {
  let doc: unknown;
  try {
    doc = JSON.parse(inflateSync(fromUrlBase64(token)).toString('utf8'));
  } catch {
    throw imError('UserSigIllegal', { detail: 'cannot decode' });
  }
  if (typeof doc !== 'object' || doc === null) throw imError('UserSigIllegal', { detail: 'not a JSON object' });
  const d = doc as Record<string, unknown>;
  const identifier = d['TLS.identifier'];
  const sdkAppId = d['TLS.sdkappid'];
  const time = d['TLS.time'];
  const expire = d['TLS.expire'];
  const sig = d['TLS.sig'];
  const userbuf = d['TLS.userbuf'];
  if (
    typeof identifier !== 'string' ||
    typeof sdkAppId !== 'number' ||
    typeof time !== 'number' ||
    typeof expire !== 'number' ||
    typeof sig !== 'string' ||
    (userbuf !== undefined && typeof userbuf !== 'string')
  ) {
    throw imError('UserSigIllegal', { detail: 'missing or mistyped TLS fields' });
  }
  return {
    identifier,
    sdkAppId,
    time,
    expire,
    sig,
    userbuf: userbuf === undefined ? undefined : Buffer.from(userbuf, 'base64'),
  };
}

export interface VerifyOptions {
  readonly sdkAppId: number;
  readonly key: string;
  /** The UserID the caller claims; omitted = accept the token's own identifier. */
  readonly identifier?: string;
  /** Unix seconds; defaults to now. */
  readonly now?: number;
}

/**
 * Verifies a UserSig and returns its fields. Throws the catalogue error of spec §1.3: 70002 empty,
 * 70003 undecodable, 70014 other app, 70013 other user, 70009 wrong key or tampered, 70001 expired.
 */
export function verifyUserSig(token: string | undefined, o: VerifyOptions): UserSigFields {
  if (!token) throw imError('UserSigEmpty');
  const d = decodeUserSig(token);
  if (d.sdkAppId !== o.sdkAppId) {
    throw imError('UserSigAppIdMismatch', { expected: o.sdkAppId, actual: d.sdkAppId });
  }
  if (o.identifier !== undefined && d.identifier !== o.identifier) {
    throw imError('UserSigIdentifierMismatch', { expected: o.identifier, actual: d.identifier });
  }
  const expected = Buffer.from(computeSig(o.key, d), 'base64');
  const given = Buffer.from(d.sig, 'base64');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw imError('UserSigVerifyFailed');
  const now = o.now ?? Math.floor(Date.now() / 1000);
  if (now > d.time + d.expire) throw imError('UserSigExpired');
  return d;
}
