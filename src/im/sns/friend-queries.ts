/**
 * Reading the friend list (REST friend_check, friend_get, friend_get_list): relations by point reads,
 * the list paged from the store, a friend's fields as Tencent's Tag_SNS_IM_* tags.
 */
import { z } from 'zod';
import { type FriendRecord, pairKey } from '../../../storage/store.ts';
import { imError, isImError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { loadProfiles } from '../profiles/load-profiles.ts';
import { readPortrait } from '../profiles/profile-tags.ts';
import { requireAccount } from './friend-add.ts';
import { type FriendRelation, checkRelation } from './friend-rules.ts';
import { snsInvalid } from './friend-fields.ts';
import { type ItemResult, failed, ownerOf } from './relation-writes.ts';
import { friendGetParts } from './sns-sequences.ts';

/** Most accounts one check or list call names (spec §3.4). */
export const MAX_CHECK_ACCOUNTS = 1000;
export const MAX_GET_LIST_ACCOUNTS = 100;
/** Friends per friend_get page. */
export const FRIEND_PAGE = 100;

/** Tencent's ResultInfo for a friend_get_list account that is not a friend (30001). */
const NOT_FRIEND_INFO = 'Err_SNS_FriendGetList_Friend_Not_Exist';

/** A friend field or profile field as a tag and value; Tag_SNS_IM_Group's value is a list of names. */
export interface SnsItem {
  readonly Tag: string;
  readonly Value: string | number | readonly string[];
}

/** The standard friend tags, in the order friend_get gives them. */
const STANDARD_SNS_TAGS = ['Tag_SNS_IM_AddSource', 'Tag_SNS_IM_Remark', 'Tag_SNS_IM_Group', 'Tag_SNS_IM_AddWording', 'Tag_SNS_IM_AddTime'] as const;

/** A friend's standard fields as tags (AddTime in Unix seconds). */
function standardTags(f: FriendRecord): SnsItem[] {
  const values: Record<(typeof STANDARD_SNS_TAGS)[number], string | number | readonly string[]> = {
    Tag_SNS_IM_AddSource: f.addSource,
    Tag_SNS_IM_Remark: f.remark,
    Tag_SNS_IM_Group: f.groups,
    Tag_SNS_IM_AddWording: f.addWording,
    Tag_SNS_IM_AddTime: Math.floor(f.addTime / 1000),
  };
  return STANDARD_SNS_TAGS.map((Tag) => ({ Tag, Value: values[Tag] }));
}

const customTags = (f: FriendRecord): SnsItem[] => Object.entries(f.custom).map(([Tag, Value]) => ({ Tag, Value }));

function checkAccountCount(n: number, max: number): void {
  if (n === 0) throw imError('SnsInvalidParam', { detail: 'To_Account is empty' });
  if (n > max) throw imError('SnsInvalidParam', { detail: `To_Account holds ${n} accounts, at most ${max} are allowed` });
}

export const friendCheckCommand = defineCommand({
  name: 'sns.friendCheck',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), to: z.array(z.string()), checkType: z.enum(['CheckResult_Type_Single', 'CheckResult_Type_Both']) }),
  run: async (ctx, caller, { from: named, to, checkType }): Promise<{ to: string; relation: FriendRelation; code: number; info: string }[]> => {
    const from = ownerOf(caller, named);
    checkAccountCount(to.length, MAX_CHECK_ACCOUNTS);
    await requireAccount(ctx, from);
    const links = await ctx.store.relations.friendsAmong(to.flatMap((b) => [{ owner: from, friend: b }, { owner: b, friend: from }]));
    return to.map((b) => ({ to: b, relation: checkRelation(links.has(pairKey(from, b)), links.has(pairKey(b, from)), checkType), code: 0, info: '' }));
  },
});

export interface FriendPage {
  readonly friends: readonly { readonly to: string; readonly tags: readonly SnsItem[] }[];
  readonly standardSequence: number;
  readonly customSequence: number;
  readonly friendNum: number;
  /** True on the last page. */
  readonly complete: boolean;
  readonly nextStartIndex: number;
}

export const friendGetCommand = defineCommand({
  name: 'sns.friendGet',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), startIndex: z.number().int().min(0), standardSequence: z.number().int().min(0).optional(), customSequence: z.number().int().min(0).optional() }),
  run: async (ctx, caller, { from: named, startIndex, standardSequence, customSequence }): Promise<FriendPage> => {
    const from = ownerOf(caller, named);
    await requireAccount(ctx, from);
    const r = ctx.store.relations;
    const [page, count, seqs] = await Promise.all([r.listFriends(from, startIndex, FRIEND_PAGE), r.friendCount(from), r.relationSequences(from)]);
    const parts = friendGetParts({ standard: standardSequence, custom: customSequence }, seqs);
    const next = startIndex + page.length;
    return {
      friends: page.map((f) => ({ to: f.friend, tags: [...(parts.standard ? standardTags(f) : []), ...(parts.custom ? customTags(f) : [])] })),
      standardSequence: seqs.standard,
      customSequence: seqs.custom,
      friendNum: count,
      complete: next >= count,
      nextStartIndex: next >= count ? 0 : next,
    };
  },
});

export const friendGetListCommand = defineCommand({
  name: 'sns.friendGetList',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), to: z.array(z.string()), tagList: z.array(z.string()) }),
  run: async (ctx, caller, { from: named, to, tagList }): Promise<(ItemResult & { tags: readonly SnsItem[] })[]> => {
    const from = ownerOf(caller, named);
    checkAccountCount(to.length, MAX_GET_LIST_ACCOUNTS);
    if (tagList.length === 0) throw imError('SnsInvalidParam', { detail: 'TagList is empty' });
    await requireAccount(ctx, from);
    const snsTags = tagList.filter((t) => t.startsWith('Tag_SNS_'));
    const profileTags = tagList.filter((t) => !t.startsWith('Tag_SNS_'));
    const [links, profiles] = await Promise.all([ctx.store.relations.friendsAmong(to.map((b) => ({ owner: from, friend: b }))), profileTags.length > 0 ? loadProfiles(ctx, to) : new Map()]);
    return to.map((b) => {
      const f = links.get(pairKey(from, b));
      if (!f) return { ...failed(b, snsInvalid(NOT_FRIEND_INFO)), tags: [] };
      try {
        const fields = new Map([...standardTags(f), ...customTags(f)].map((t) => [t.Tag, t.Value]));
        const profile = profileTags.length > 0 ? readPortrait(b, profiles.get(b) ?? new Map(), profileTags, caller, ctx.customProfileTags ?? []) : [];
        const byTag = new Map<string, SnsItem>([...profile.map((p): [string, SnsItem] => [p.Tag, p]), ...snsTags.map((t): [string, SnsItem] => [t, { Tag: t, Value: fields.get(t) ?? '' }])]);
        return { to: b, code: 0, info: '', tags: tagList.map((t) => byTag.get(t)).filter((t): t is SnsItem => t !== undefined) };
      } catch (e) {
        if (isImError(e)) return { ...failed(b, e), tags: [] };
        throw e;
      }
    });
  },
});
