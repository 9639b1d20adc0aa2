import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('chat-record and clock configuration', () => {
  it('defaults to a 5-minute grace, 7 days of files, 1-hour URLs and an unshifted clock', () => {
    const c = loadConfig({});
    expect(c.archive).toEqual({ graceMs: 300_000, retentionMs: 7 * 86_400_000, urlTtlS: 3600 });
    expect(c.clockOffsetMs).toBe(0);
  });

  it('reads the archive variables and a clock offset either way', () => {
    const c = loadConfig({ PARLEY_ARCHIVE_GRACE_S: '0', PARLEY_ARCHIVE_RETENTION_DAYS: '30', PARLEY_ARCHIVE_URL_TTL_S: '60', PARLEY_CLOCK_OFFSET_MS: '-3600000' });
    expect(c.archive).toEqual({ graceMs: 0, retentionMs: 30 * 86_400_000, urlTtlS: 60 });
    expect(c.clockOffsetMs).toBe(-3_600_000);
  });

  it('names bad archive and clock variables', () => {
    const bad = { PARLEY_ARCHIVE_GRACE_S: '-1', PARLEY_ARCHIVE_RETENTION_DAYS: '0', PARLEY_ARCHIVE_URL_TTL_S: 'x', PARLEY_CLOCK_OFFSET_MS: '1.5' };
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    const message = (() => {
      try {
        loadConfig(bad);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const name of Object.keys(bad)) expect(message).toContain(name);
  });
});
