/** `v4/openconfigsvr/*`: global mutes (spec §3.8). */
import { z } from 'zod';
import { getNoSpeakingCommand, setNoSpeakingCommand } from '../../im/sns/nospeaking.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { nonEmpty } from '../wire.ts';

const seconds = z.number({ error: 'AccountInvalidParam' });

export const openConfigService: Service = {
  name: 'openconfigsvr',
  bodyJson: 'BodyNotJson',
  invalid: 'AccountInvalidParam',
  adminRequired: 'AccountAdminRequired',
  internal: 'AccountInternal',
  endpoints: [
    endpoint({
      command: 'setnospeaking',
      runs: setNoSpeakingCommand,
      request: z.object({ Set_Account: nonEmpty('AccountInvalidParam'), C2CmsgNospeakingTime: seconds.optional(), GroupmsgNospeakingTime: seconds.optional() }),
      input: (r) => ({ userId: r.Set_Account, c2cS: r.C2CmsgNospeakingTime, groupS: r.GroupmsgNospeakingTime }),
    }),
    endpoint({
      command: 'getnospeaking',
      runs: getNoSpeakingCommand,
      request: z.object({ Get_Account: nonEmpty('AccountInvalidParam') }),
      input: (r) => ({ userId: r.Get_Account }),
      reply: (out) => ({ C2CmsgNospeakingTime: out.c2cS, GroupmsgNospeakingTime: out.groupS }),
    }),
  ],
};
