import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { computeSig, decodeUserSig, signUserSig, verifyUserSig } from '../../src/auth/user-sig.ts';

// Public test vector of spec §2.3 (Vector A): the demo key used by all official libraries.
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const VECTOR_A = 'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjeCiJZm5YDEzS0tDAyOYaHFmOtBM54KsUqeUwGLLqPK8UndHryCL-Lx8-1RPy7Ty1AijMk9f30hLk0x-r3CvSFulWgAPYy*9';
const VECTOR_A_USERBUF = 'eJw9zEELwiAcBfDv4jmGs1lu0GkRUd0chMeWbv2zDdEZg*i7J5a92-s9eC-UnHj2VBZViGQYLWIHqcYJOoic0El9MQYkqvIC--Jd1GzAquCUUvLXCYZoq7LMMUnqnbKt78KvOB-u6Rr6AG299PTq3YP3bOvWR0HZcOO6sbMf7c5TLLXUtdgXwDbo-QEmHTZF';
const VECTOR_B = 'eNqrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJFJrSjILEpVsjIzMLGAiZVk5gJFDM1RVRZnpgNNzzY09Q-NDgrPSMwK9HULDSvwNjDOt3SMjPIx1A4MMol0LvaJDMzPCQ8y97VVqgUA3CIzeA__';
const APP = 1400000000;

describe('UserSig v2', () => {
  it('computes the HMAC of the public vector', () => {
    const fields = { identifier: '0', sdkAppId: APP, time: 1569910200, expire: 15552000 };
    expect(computeSig(KEY, fields)).toBe('CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY=');
    expect(computeSig(KEY, { ...fields, userbuf: Buffer.from('abc') })).toBe('bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8=');
  });

  it('decodes and verifies the public tokens of spec §2.3 (at a time they were valid)', () => {
    const now = 1569910200 + 100;
    expect(verifyUserSig(VECTOR_A, { sdkAppId: APP, key: KEY, identifier: '0', now })).toMatchObject({ identifier: '0', sdkAppId: APP, time: 1569910200, expire: 15552000 });
    const withBuf = verifyUserSig(VECTOR_A_USERBUF, { sdkAppId: APP, key: KEY, identifier: '0', now });
    expect(withBuf.userbuf?.toString()).toBe('abc');
    expect(verifyUserSig(VECTOR_B, { sdkAppId: APP, key: KEY, identifier: 'administrator', now: 1700000000 + 60 }).expire).toBe(604800);
  });

  it('verifies what it signs, and accepts any JSON key order and missing padding', () => {
    const token = signUserSig({ sdkAppId: 7, key: 'k'.repeat(32), identifier: 'alice', expire: 60 });
    expect(verifyUserSig(token, { sdkAppId: 7, key: 'k'.repeat(32), identifier: 'alice' }).identifier).toBe('alice');
    const reordered = { 'TLS.sig': computeSig('x'.repeat(16), { identifier: 'b', sdkAppId: 7, time: 100, expire: 50 }), 'TLS.time': 100, 'TLS.expire': 50, 'TLS.identifier': 'b', 'TLS.sdkappid': 7, 'TLS.ver': '2.0' };
    const spaced = deflateSync(Buffer.from(JSON.stringify(reordered, null, 2))).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=+$/, '');
    expect(verifyUserSig(spaced, { sdkAppId: 7, key: 'x'.repeat(16), identifier: 'b', now: 120 }).identifier).toBe('b');
  });

  const sdkAppId = 1400000001;
  const key = 'secret-key-of-the-app-0123456789';
  const now = 1_800_000_000;
  const good = signUserSig({ sdkAppId, key, identifier: 'alice', time: now - 10, expire: 100 });
  const codeOf = (token: string | undefined, o: Partial<Parameters<typeof verifyUserSig>[1]> = {}): number => {
    try {
      verifyUserSig(token, { sdkAppId, key, identifier: 'alice', now, ...o });
      return 0;
    } catch (e) {
      return (e as { code: number }).code;
    }
  };

  it('gives each bad token the code of spec §1.3', () => {
    expect(codeOf(good)).toBe(0);
    expect(codeOf(good, { now: now + 91 })).toBe(70001);
    expect(codeOf(good, { sdkAppId: sdkAppId + 1 })).toBe(70014);
    expect(codeOf(good, { identifier: 'bob' })).toBe(70013);
    expect(codeOf(good, { key: 'another-key-entirely-0123456789ab' })).toBe(70009);
    expect(codeOf(undefined)).toBe(70002);
    expect(codeOf('')).toBe(70002);
    expect(codeOf('garbage!!')).toBe(70003);
    expect(codeOf(deflateSync(Buffer.from('[1,2]')).toString('base64'))).toBe(70003);
  });

  it('refuses a tampered token (fields changed after signing)', () => {
    const doc = JSON.parse(JSON.stringify(decodeUserSig(good)));
    const tampered = { 'TLS.ver': '2.0', 'TLS.identifier': 'alice', 'TLS.sdkappid': sdkAppId, 'TLS.time': doc.time, 'TLS.expire': 10_000_000, 'TLS.sig': doc.sig };
    const token = deflateSync(Buffer.from(JSON.stringify(tampered))).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
    expect(codeOf(token)).toBe(70009);
  });
});
