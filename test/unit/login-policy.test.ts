/** The multi-login policies of spec §8.5, over the devices a user has online. */
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../src/protocol/client-ops.ts';
import { type LoginLimits, type LoginPolicy, devicesToClose } from '../../src/im/devices/login-policy.ts';

const limits = (policy: LoginPolicy, perPlatform = 1, web = 1): LoginLimits => ({ policy, perPlatform, web });
const online = (...platforms: Platform[]) => platforms.map((platform, i) => ({ key: `${platform}#${i}`, platform, since: i }));

describe('devicesToClose', () => {
  it('single: one platform at a time, whatever it is', () => {
    expect(devicesToClose(limits('single'), online('iOS', 'Web'), 'Android')).toEqual(['iOS#0', 'Web#1']);
    expect(devicesToClose(limits('single'), online('Web'), 'Web')).toEqual(['Web#0']);
    expect(devicesToClose(limits('single', 1, 2), online('Web'), 'Web')).toEqual([]);
  });

  it('dual: one native platform plus Web', () => {
    expect(devicesToClose(limits('dual'), online('iOS', 'Web'), 'Mac')).toEqual(['iOS#0']);
    expect(devicesToClose(limits('dual'), online('iOS', 'Web'), 'Web')).toEqual(['Web#1']);
    expect(devicesToClose(limits('dual'), online('Windows'), 'Web')).toEqual([]);
  });

  it('triple: one mobile, one desktop and Web', () => {
    expect(devicesToClose(limits('triple'), online('iOS', 'Mac', 'Web'), 'Android')).toEqual(['iOS#0']);
    expect(devicesToClose(limits('triple'), online('iOS', 'Mac', 'Web'), 'Windows')).toEqual(['Mac#1']);
    expect(devicesToClose(limits('triple'), online('iPad', 'Linux'), 'Web')).toEqual([]);
  });

  it('multi: every platform at once, each up to its instance limit, the oldest closed first', () => {
    expect(devicesToClose(limits('multi'), online('iOS', 'Android', 'Web', 'Mac'), 'iPad')).toEqual([]);
    expect(devicesToClose(limits('multi'), online('iOS', 'Android'), 'iOS')).toEqual(['iOS#0']);
    expect(devicesToClose(limits('multi', 3), online('iOS', 'iOS', 'Web'), 'iOS')).toEqual([]);
    expect(devicesToClose(limits('multi', 3), online('iOS', 'iOS', 'iOS', 'Web'), 'iOS')).toEqual(['iOS#0']);
    expect(devicesToClose(limits('multi', 1, 2), online('Web', 'Web', 'Web'), 'Web')).toEqual(['Web#0', 'Web#1']);
  });

  it('closes same-class devices of other platforms even within the instance limit', () => {
    expect(devicesToClose(limits('dual', 3), online('iOS', 'iOS', 'Android'), 'iOS')).toEqual(['Android#2']);
  });
});
