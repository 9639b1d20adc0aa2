import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ArchiveUrls } from '../../src/events/archive/signed-urls.ts';

const KEY = 'k'.repeat(64);
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

describe('signed archive URLs', () => {
  const urls = new ArchiveUrls(KEY, 3600, () => NOW);
  const parts = (url: string) => {
    const u = new URL(url);
    return { path: u.pathname, expires: u.searchParams.get('expires') ?? undefined, sig: u.searchParams.get('sig') ?? undefined };
  };

  it('signs path and expiry with HMAC-SHA256 of the secret key, valid for the TTL', () => {
    const s = urls.sign('http://10.0.0.1:2567', 'C2C-2026010202-ab-0.json.gz');
    const expires = Math.floor(NOW / 1000) + 3600;
    const sig = createHmac('sha256', KEY).update(`/archive/C2C-2026010202-ab-0.json.gz?expires=${expires}`).digest('hex');
    expect(s).toEqual({ url: `http://10.0.0.1:2567/archive/C2C-2026010202-ab-0.json.gz?expires=${expires}&sig=${sig}`, expiresAt: expires * 1000 });
    const p = parts(s.url);
    expect(urls.check(p.path, p.expires, p.sig)).toBe('ok');
  });

  it('refuses a changed path, expiry or signature, a missing one, and another key’s signature', () => {
    const p = parts(urls.sign('http://h:1', 'C2C-2026010202-ab-0.json.gz').url);
    expect(urls.check('/archive/C2C-2026010202-ab-1.json.gz', p.expires, p.sig)).toBe('forged');
    expect(urls.check(p.path, String(Number(p.expires) + 1), p.sig)).toBe('forged');
    const sig = String(p.sig);
    expect(urls.check(p.path, p.expires, sig.slice(0, 63) + (sig.endsWith('0') ? '1' : '0'))).toBe('forged');
    expect(urls.check(p.path, undefined, p.sig)).toBe('forged');
    expect(urls.check(p.path, p.expires, undefined)).toBe('forged');
    const other = parts(new ArchiveUrls('x'.repeat(64), 3600, () => NOW).sign('http://h:1', 'C2C-2026010202-ab-0.json.gz').url);
    expect(urls.check(other.path, other.expires, other.sig)).toBe('forged');
  });

  it('reports an expired URL once its time has passed', () => {
    const p = parts(urls.sign('http://h:1', 'f.json.gz').url);
    const later = new ArchiveUrls(KEY, 3600, () => NOW + 3601_000);
    expect(later.check(p.path, p.expires, p.sig)).toBe('expired');
  });
});
