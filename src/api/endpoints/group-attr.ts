/**
 * Group attributes over REST: `v4/group_open_attr_http_svc/*` (get_group_attr, modify_group_attr,
 * set_group_attr, delete_group_attr, clear_group_attr). Tencent's pages name that service for
 * get_group_attr but group_open_http_svc for the writes, so the same endpoints are mounted under
 * both (groups.ts appends them). Attribute lists are `[{key, value}]`, in lower case as Tencent has them.
 */
import { z } from 'zod';
import { clearAttrsCommand, deleteAttrsCommand, groupAttrsCommand, modifyAttrsCommand, setAttrsCommand } from '../../im/groups/group-attr.ts';
import { ATTR_LIMITS } from '../../im/groups/group-attr-rules.ts';
import { type Endpoint, type Service, endpoint } from '../endpoint.ts';
import { nonEmpty, str } from '../wire.ts';

const groupId = nonEmpty('GroupInvalidParam');
const pairs = z.array(z.object({ key: str('GroupInvalidParam'), value: str('GroupInvalidParam') }, { error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' });
const keys = z.array(z.object({ key: str('GroupInvalidParam') }, { error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' });
/** A full set of attributes with JSON's overhead. */
const ATTRS_ALLOWANCE = ATTR_LIMITS.totalBytes + ATTR_LIMITS.keys * 40;

export const groupAttrEndpoints: readonly Endpoint[] = [
  endpoint({
    command: 'get_group_attr',
    runs: groupAttrsCommand,
    request: z.object({ GroupId: groupId }),
    input: (r) => ({ groupId: r.GroupId }),
    reply: (out) => ({ GroupAttrAry: out.map(([key, value]) => ({ key, value })) }),
  }),
  endpoint({
    command: 'modify_group_attr',
    runs: modifyAttrsCommand,
    bodyAllowance: ATTRS_ALLOWANCE,
    request: z.object({ GroupId: groupId, GroupAttr: pairs }),
    input: (r) => ({ groupId: r.GroupId, attrs: r.GroupAttr }),
  }),
  endpoint({
    command: 'set_group_attr',
    runs: setAttrsCommand,
    bodyAllowance: ATTRS_ALLOWANCE,
    request: z.object({ GroupId: groupId, GroupAttr: pairs }),
    input: (r) => ({ groupId: r.GroupId, attrs: r.GroupAttr }),
  }),
  endpoint({
    command: 'delete_group_attr',
    runs: deleteAttrsCommand,
    request: z.object({ GroupId: groupId, GroupAttr: keys }),
    input: (r) => ({ groupId: r.GroupId, keys: r.GroupAttr.map((a) => a.key) }),
  }),
  endpoint({
    command: 'clear_group_attr',
    runs: clearAttrsCommand,
    request: z.object({ GroupId: groupId }),
    input: (r) => ({ groupId: r.GroupId }),
  }),
];

/** `v4/group_open_attr_http_svc`: Tencent's group codes (10007 for a caller that is not an App admin). */
export const groupAttrService: Service = {
  name: 'group_open_attr_http_svc',
  bodyJson: 'GroupBodyJson',
  invalid: 'GroupInvalidParam',
  adminRequired: 'GroupAdminRequired',
  internal: 'GroupInternal',
  endpoints: groupAttrEndpoints,
};
