/**
 * `profile.set` (REST portrait_set, client `profile.set`): sets profile fields of one account. The
 * App admin sets anyone's (`userId`, REST From_Account), a user only their own. The fields are
 * checked whole (profile-tags.ts: nothing is written when one is refused), stored with their
 * `profile.changed` event, and then the user's devices are told by a `profile` notice in their inbox,
 * and their friends online by the same notice pushed live (tell-friends.ts).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ProfileNotice } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import { makeEvent } from '../../protocol/events.ts';
import { inboxStream } from '../../protocol/streams.ts';
import { platformOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import { storedChange } from './load-profiles.ts';
import { tellFriends } from './tell-friends.ts';
import { checkPortraitSet, profileItems } from './profile-tags.ts';

export const setProfileCommand = defineCommand({
  name: 'profile.set',
  callers: ['admin', 'user'],
  owner: 'store',
  // `items` is checked by checkPortraitSet, which knows each tag's type.
  input: z.object({ userId: z.string().optional(), items: z.unknown() }),
  run: async (ctx, caller, { userId, items }): Promise<void> => {
    // A user sets only their own profile; the client's op names no account.
    const target = caller.kind === 'user' ? caller.userId : userId;
    if (!target) throw imError('ProfileInvalidParam', { detail: 'From_Account is required' });
    const changes = checkPortraitSet(items, caller, ctx.customProfileTags ?? []);
    if ((await ctx.accounts.missing([target])).length > 0) throw imError('ProfileAccountNotFound', { userId: target });
    const now = ctx.now();
    const stream = inboxStream(target);
    const changed = profileItems(changes);
    const events = [makeEvent('profile.changed', `profile:${target}:${now}:${randomUUID()}`, stream, now, { userId: target, operator: caller.userId, items: changed, platform: platformOf(caller) })];
    await ctx.store.accounts.setProfile(target, storedChange(changes), ctx.events.record(stream, events));
    ctx.events.publishRecorded(stream, events);
    ctx.senderProfiles.forget(target);
    const notice: ProfileNotice = { kind: 'profile', userId: target, operator: caller.userId, items: changed, time: now };
    await ctx.actors
      .inbox(target)
      .call({ op: 'appendNotice', notice })
      .catch((e: unknown) => ctx.log.warn({ err: e, userId: target }, 'profile notice not delivered'));
    await tellFriends(ctx, notice).catch((e: unknown) => ctx.log.warn({ err: e, userId: target }, "profile change not told to the user's friends"));
  },
});
