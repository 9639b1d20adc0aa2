/**
 * `v4/all_member_push/*` (spec §3.7): the audience of all-member push — the app's attribute names,
 * users' attribute values and tags.
 */
import { z } from 'zod';
import { getAttrNamesCommand, getAttrsCommand, removeAttrsCommand, setAttrNamesCommand, setAttrsCommand } from '../../im/push-targets/attr-commands.ts';
import { addTagsCommand, getTagsCommand, removeAllTagsCommand, removeTagsCommand } from '../../im/push-targets/tag-commands.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { nonEmpty, str } from '../wire.ts';

const INVALID = 'C2CInvalidParam';
const account = nonEmpty(INVALID);
const accounts = z.array(account, { error: INVALID });
const text = str(INVALID);
const userTags = z.object({ UserTags: z.array(z.object({ To_Account: account, Tags: z.array(text, { error: INVALID }) }, { error: INVALID }), { error: INVALID }) });
const tagItems = (r: z.output<typeof userTags>) => ({ items: r.UserTags.map((u) => ({ userId: u.To_Account, tags: u.Tags })) });

export const allMemberPushService: Service = {
  name: 'all_member_push',
  bodyJson: 'C2CBodyJson',
  invalid: INVALID,
  adminRequired: 'C2CAdminRequired',
  internal: 'PushInternal',
  endpoints: [
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
