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

  it('takes message profile tags that exist and anyone may read, and refuses others', () => {
    expect(loadConfig({}).senderProfiles.tags).toEqual(['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image']);
    expect(loadConfig({ PARLEY_MESSAGE_PROFILE_TAGS: '' }).senderProfiles.tags).toEqual([]);
    const custom = { PARLEY_PROFILE_CUSTOM_TAGS: 'Vip:string:10,Secret:r=self' };
    expect(loadConfig({ ...custom, PARLEY_MESSAGE_PROFILE_TAGS: 'Tag_Profile_IM_Nick,Tag_Profile_Custom_Vip' }).senderProfiles.tags).toEqual(['Tag_Profile_IM_Nick', 'Tag_Profile_Custom_Vip']);
    expect(() => loadConfig({ ...custom, PARLEY_MESSAGE_PROFILE_TAGS: 'Tag_Profile_Custom_Secret' })).toThrow(/not readable by anyone/);
    expect(() => loadConfig({ PARLEY_MESSAGE_PROFILE_TAGS: 'Tag_Profile_Custom_Vip' })).toThrow(/neither a standard profile tag nor declared/);
    expect(() => loadConfig({ PARLEY_MESSAGE_PROFILE_TAGS: 'Tag_Profile_IM_Nik' })).toThrow(ConfigError);
  });
});
