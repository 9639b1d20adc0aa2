import { describe, expect, it } from 'vitest';
import { INITIAL_SEQUENCES, bumpSequences, friendGetParts } from '../../src/im/sns/sns-sequences.ts';

describe('relationship sequences (spec §3.4, §6.3)', () => {
  it('bumps each changed part once per request and leaves the others', () => {
    expect(bumpSequences(INITIAL_SEQUENCES, ['friendList'])).toEqual({ standard: 1, custom: 1, groups: 0, blacklist: 0 });
    expect(bumpSequences({ standard: 4, custom: 2, groups: 7, blacklist: 1 }, ['groups', 'friendStandard', 'friendStandard'])).toEqual({ standard: 5, custom: 2, groups: 8, blacklist: 1 });
    expect(bumpSequences({ standard: 4, custom: 2, groups: 7, blacklist: 1 }, ['blacklist', 'friendList', 'friendCustom'])).toEqual({ standard: 5, custom: 3, groups: 7, blacklist: 2 });
    expect(bumpSequences(INITIAL_SEQUENCES, [])).toEqual(INITIAL_SEQUENCES);
  });

  it('leaves out of friend_get only the parts whose sequence the client already holds', () => {
    const server = { standard: 5, custom: 3, groups: 0, blacklist: 0 };
    expect(friendGetParts({}, server)).toEqual({ standard: true, custom: true });
    expect(friendGetParts({ standard: 5, custom: 2 }, server)).toEqual({ standard: false, custom: true });
    expect(friendGetParts({ standard: 5, custom: 3 }, server)).toEqual({ standard: false, custom: false });
    expect(friendGetParts({ standard: 0, custom: 0 }, INITIAL_SEQUENCES)).toEqual({ standard: true, custom: true });
  });
});
