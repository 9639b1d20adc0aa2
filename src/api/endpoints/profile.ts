/** `v4/profile/*`: portrait_set and portrait_get (spec §3.3). */
import { z } from 'zod';
import { getProfilesCommand } from '../../im/profiles/get-profiles.ts';
import { setProfileCommand } from '../../im/profiles/set-profile.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { nonEmpty, str } from '../wire.ts';

export const profileService: Service = {
  name: 'profile',
  bodyJson: 'ProfileInvalidParam',
  invalid: 'ProfileInvalidParam',
  adminRequired: 'ProfileAdminRequired',
  internal: 'ProfileInternal',
  endpoints: [
    endpoint({
      command: 'portrait_set',
      runs: setProfileCommand,
      // ProfileItem's tags and values are checked by the command, which knows each tag's type.
      request: z.object({ From_Account: nonEmpty('ProfileInvalidParam'), ProfileItem: z.unknown() }),
      input: (r) => ({ userId: r.From_Account, items: r.ProfileItem }),
      reply: () => ({ ErrorDisplay: '' }),
    }),
    endpoint({
      command: 'portrait_get',
      runs: getProfilesCommand,
      request: z.object({ To_Account: z.array(str('ProfileInvalidParam'), { error: 'ProfileNoTarget' }), TagList: z.unknown() }),
      input: (r) => ({ userIds: r.To_Account, tagList: r.TagList }),
      reply: (results) => {
        const failed = results.filter((x) => x.code !== 0).map((x) => x.userId);
        return {
          UserProfileItem: results.map((x) => ({ To_Account: x.userId, ProfileItem: x.items, ResultCode: x.code, ResultInfo: x.info })),
          ...(failed.length > 0 ? { Fail_Account: failed } : {}),
          ErrorDisplay: '',
        };
      },
    }),
  ],
};
