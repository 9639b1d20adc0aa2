import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('config', () => {
  it('has defaults for everything', () => {
    const c = loadConfig({});
    expect(c.server.port).toBe(2567);
    expect(c.app.admins).toEqual(['administrator']);
    expect(c.limits.maxMsgBytes).toBe(12 * 1024);
    expect(Object.isFrozen(c.limits)).toBe(true);
  });

  it('reads the documented variables', () => {
    const c = loadConfig({ PARLEY_PORT: '9000', PARLEY_ADMIN: 'root, ops', PARLEY_SDKAPPID: '1400000123', PARLEY_DATA_DIR: '/tmp/x' });
    expect(c.server.port).toBe(9000);
    expect(c.app.admins).toEqual(['root', 'ops']);
    expect(c.app.sdkAppId).toBe(1400000123);
    expect(c.app.dataDir).toBe('/tmp/x');
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PARLEY_PORT: 'http', PARLEY_SDKAPPID: '-3', PARLEY_SECRET_KEY: 'short' })).toThrow(ConfigError);
    try {
      loadConfig({ PARLEY_PORT: 'http', PARLEY_SDKAPPID: '-3' });
    } catch (e) {
      expect((e as Error).message).toContain('PARLEY_PORT');
      expect((e as Error).message).toContain('PARLEY_SDKAPPID');
    }
  });
});
