/**
 * The group attribute commands (Tencent's group_open_attr_http_svc: get_group_attr,
 * modify_group_attr, set_group_attr, delete_group_attr, clear_group_attr) for App admins, on every
 * group type including AVChatRoom. The attributes live with the group in its actor
 * (attrs-in-group.ts); the limits are in group-attr-rules.ts.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import type { GroupAttrChange } from '../actor-api.ts';
import type { ImContext } from '../context.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

const pairs = z.array(z.object({ key: z.string(), value: z.string() }));

const change = (ctx: ImContext, groupId: string, c: GroupAttrChange): Promise<void> => {
  requireGroupId(groupId);
  return ctx.actors.group(groupId).call({ op: 'changeAttrs', change: c });
};

/** `group.attrs` (get_group_attr): every attribute, in the order they were first set. */
export const groupAttrsCommand = defineCommand({
  name: 'group.attrs',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: (ctx, _caller, { groupId }) => {
    requireGroupId(groupId);
    return ctx.actors.group(groupId).call({ op: 'attrs' });
  },
});

/** `group.modifyAttrs` (modify_group_attr): adds or replaces the attributes given; the others stay. */
export const modifyAttrsCommand = defineCommand({
  name: 'group.modifyAttrs',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), attrs: pairs }),
  run: (ctx, _caller, { groupId, attrs }) => {
    if (attrs.length === 0) throw imError('GroupInvalidParam', { detail: 'GroupAttr is empty' });
    return change(ctx, groupId, { kind: 'modify', attrs: attrs.map((a) => [a.key, a.value] as const) });
  },
});

/** `group.setAttrs` (set_group_attr, Tencent's "reset"): the attributes become exactly those given (none for an empty list). */
export const setAttrsCommand = defineCommand({
  name: 'group.setAttrs',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), attrs: pairs }),
  run: (ctx, _caller, { groupId, attrs }) => change(ctx, groupId, { kind: 'set', attrs: attrs.map((a) => [a.key, a.value] as const) }),
});

/** `group.deleteAttrs` (delete_group_attr): removes the keys given, all of which must exist (10050). */
export const deleteAttrsCommand = defineCommand({
  name: 'group.deleteAttrs',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), keys: z.array(z.string()) }),
  run: (ctx, _caller, { groupId, keys }) => {
    if (keys.length === 0) throw imError('GroupInvalidParam', { detail: 'GroupAttr is empty' });
    return change(ctx, groupId, { kind: 'delete', keys });
  },
});

/** `group.clearAttrs` (clear_group_attr): removes every attribute. */
export const clearAttrsCommand = defineCommand({
  name: 'group.clearAttrs',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: (ctx, _caller, { groupId }) => change(ctx, groupId, { kind: 'clear' }),
});
