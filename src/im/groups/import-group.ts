/**
 * `group.import` (REST import_group, migration): create_group's checks and group, created at the
 * CreateTime given (Unix s, default now, not in the future), without the app server's before- or
 * after-create callbacks and without membership notices. Its `group.created` event is still
 * published (marked `imported`), so app servers learn the group exists. Types that take no imports
 * (AVChatRoom) are refused with 10007, an id in use with 10021.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { createGroupInput, draftGroup, makeGroup } from './create.ts';
import { parseGroupType } from './group-model.ts';
import { policyOf } from './group-policy.ts';

export const importGroupCommand = defineCommand({
  name: 'group.import',
  callers: ['admin'],
  owner: 'group',
  input: createGroupInput.extend({ createTimeS: z.number().int().min(0).optional() }),
  run: async (ctx, caller, input) => {
    const type = parseGroupType(input.type);
    if (!policyOf(type).importable) throw imError('GroupNoPermission', { detail: `${type} groups cannot be imported; create them instead` });
    const now = ctx.now();
    // 0 is what wrappers with zero-valued fields send for "not given".
    const createdAt = input.createTimeS ? input.createTimeS * 1000 : now;
    if (createdAt > now) throw imError('GroupInvalidParam', { detail: `CreateTime ${input.createTimeS} is in the future` });
    const draft = await draftGroup(ctx, caller, input);
    return makeGroup(ctx, caller, input, draft, createdAt);
  },
});
