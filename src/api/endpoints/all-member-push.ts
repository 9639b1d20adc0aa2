/**
 * `v4/all_member_push/*` (spec §3.7): the push itself (im_push), its task (im_get_push_task,
 * Parley's own), and its audience — the app's attribute names, users' attribute values and tags.
 */
import { z } from 'zod';
import { getAttrNamesCommand, getAttrsCommand, removeAttrsCommand, setAttrNamesCommand, setAttrsCommand } from '../../im/push-targets/attr-commands.ts';
import { addTagsCommand, getTagsCommand, removeAllTagsCommand, removeTagsCommand } from '../../im/push-targets/tag-commands.ts';
import { broadcastPushCommand } from '../../im/broadcast/push.ts';
import { pushTaskCommand } from '../../im/broadcast/task.ts';
import { offlinePushInfo } from '../../protocol/push.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { count, nonEmpty, str, u32 } from '../wire.ts';

const INVALID = 'C2CInvalidParam';
const account = nonEmpty(INVALID);
const accounts = z.array(account, { error: INVALID });
const text = str(INVALID);
const userTags = z.object({ UserTags: z.array(z.object({ To_Account: account, Tags: z.array(text, { error: INVALID }) }, { error: INVALID }), { error: INVALID }) });
const tagItems = (r: z.output<typeof userTags>) => ({ items: r.UserTags.map((u) => ({ userId: u.To_Account, tags: u.Tags })) });
const conditionTags = z.array(text, { error: INVALID }).optional();
const conditionAttrs = z.record(z.string(), text, { error: INVALID }).optional();
const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.floor(ms / 1000));

export const allMemberPushService: Service = {
  name: 'all_member_push',
  bodyJson: 'C2CBodyJson',
  invalid: INVALID,
  adminRequired: 'C2CAdminRequired',
  internal: 'PushInternal',
  endpoints: [
    endpoint({
      command: 'im_push',
      carriesMessage: true,
      runs: broadcastPushCommand,
      request: z.object({
        From_Account: str('FromAccountNotFound').optional(),
        MsgRandom: u32('MsgRandomInvalid'),
        MsgLifeTime: count('MsgLifeTimeInvalid').optional(),
        MsgBody: z.array(z.unknown(), { error: 'MsgBodyNotArray' }),
        OfflinePushInfo: offlinePushInfo('OfflinePushInfoInvalid').optional(),
        Condition: z
          .object({ TagsOr: conditionTags, TagsAnd: conditionTags, AttrsOr: conditionAttrs, AttrsAnd: conditionAttrs }, { error: INVALID })
          .optional(),
      }),
      input: (r) => ({
        from: r.From_Account,
        random: r.MsgRandom,
        body: r.MsgBody,
        lifetimeS: r.MsgLifeTime,
        offlinePush: r.OfflinePushInfo,
        condition: r.Condition && { tagsOr: r.Condition.TagsOr, tagsAnd: r.Condition.TagsAnd, attrsOr: r.Condition.AttrsOr, attrsAnd: r.Condition.AttrsAnd },
      }),
      reply: (out) => ({ TaskId: out.taskId }),
    }),
    endpoint({
      command: 'im_get_push_task',
      runs: pushTaskCommand,
      request: z.object({ TaskId: nonEmpty(INVALID) }),
      input: (r) => ({ taskId: r.TaskId }),
      reply: (t) => ({
        TaskId: t.taskId,
        State: t.state,
        CreateTime: seconds(t.createdAt),
        StartTime: seconds(t.startedAt),
        FinishTime: seconds(t.finishedAt),
        OfflineDeadline: seconds(t.offlineUntil),
        OnlineUserNum: t.candidates,
        CheckedUserNum: t.checked,
        DeliveredOnlineNum: t.online,
        QueuedPushNum: t.pushed,
        EstimatedFinishTime: seconds(t.etaAt),
      }),
    }),
    endpoint({
      command: 'im_set_attr_name',
      runs: setAttrNamesCommand,
      request: z.object({ AttrNames: z.record(z.string(), text, { error: INVALID }) }),
      input: (r) => ({ names: r.AttrNames }),
    }),
    endpoint({
      command: 'im_get_attr_name',
      runs: getAttrNamesCommand,
      request: z.object({}),
      input: () => ({}),
      reply: (out) => ({ AttrNames: out.names }),
    }),
    endpoint({
      command: 'im_set_attr',
      runs: setAttrsCommand,
      request: z.object({ UserAttrs: z.array(z.object({ To_Account: account, Attrs: z.record(z.string(), text, { error: INVALID }) }, { error: INVALID }), { error: INVALID }) }),
      input: (r) => ({ items: r.UserAttrs.map((u) => ({ userId: u.To_Account, attrs: u.Attrs })) }),
    }),
    endpoint({
      command: 'im_get_attr',
      runs: getAttrsCommand,
      request: z.object({ To_Account: accounts }),
      input: (r) => ({ userIds: r.To_Account }),
      reply: (out) => ({ UserAttrs: out.items.map((i) => ({ To_Account: i.userId, Attrs: i.attrs })) }),
    }),
    endpoint({
      command: 'im_remove_attr',
      runs: removeAttrsCommand,
      request: z.object({ UserAttrs: z.array(z.object({ To_Account: account, Attrs: z.array(text, { error: INVALID }) }, { error: INVALID }), { error: INVALID }) }),
      input: (r) => ({ items: r.UserAttrs.map((u) => ({ userId: u.To_Account, names: u.Attrs })) }),
    }),
    endpoint({ command: 'im_add_tag', runs: addTagsCommand, request: userTags, input: tagItems }),
    endpoint({
      command: 'im_get_tag',
      runs: getTagsCommand,
      request: z.object({ To_Account: accounts }),
      input: (r) => ({ userIds: r.To_Account }),
      reply: (out) => ({ UserTags: out.items.map((i) => ({ To_Account: i.userId, Tags: i.tags })) }),
    }),
    endpoint({ command: 'im_remove_tag', runs: removeTagsCommand, request: userTags, input: tagItems }),
    endpoint({
      command: 'im_remove_all_tags',
      runs: removeAllTagsCommand,
      request: z.object({ To_Account: accounts }),
      input: (r) => ({ userIds: r.To_Account }),
    }),
  ],
};
