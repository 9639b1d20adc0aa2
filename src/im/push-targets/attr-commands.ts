/**
 * `pushTargets.*Attr*` (REST all_member_push im_set_attr_name, im_get_attr_name, im_set_attr,
 * im_get_attr, im_remove_attr; spec §3.7): the app names up to ten attribute slots, then gives users
 * values under those names. Values are kept by slot, so renaming a slot keeps its values.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { ATTR_SLOTS, checkAccounts, checkAttrText, slotOf, slotsByName } from './rules.ts';

export const setAttrNamesCommand = defineCommand({
  name: 'pushTargets.setAttrNames',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ names: z.record(z.string(), z.string()) }),
  run: async (ctx, _caller, { names }): Promise<void> => {
    const given = Object.entries(names);
    if (given.length === 0) throw imError('C2CInvalidParam', { detail: 'AttrNames is empty' });
    for (const [slot, name] of given) {
      if (!ATTR_SLOTS.includes(slot)) throw imError('PushAttrInvalid', { detail: `attribute number ${JSON.stringify(slot)} is not one of "0" to "9"` });
      checkAttrText('name', name);
    }
    // im_set_attr names attributes, so a name may stand for one slot only.
    const merged = new Map([...(await ctx.store.pushTargets.attrNames()), ...given]);
    const seen = new Map<string, string>();
    for (const [slot, name] of merged) {
      const other = seen.get(name);
      if (other !== undefined) throw imError('PushAttrInvalid', { detail: `attribute name ${JSON.stringify(name)} would name both attribute ${other} and ${slot}` });
      seen.set(name, slot);
    }
    await ctx.store.pushTargets.setAttrNames(new Map(given));
  },
});

export const getAttrNamesCommand = defineCommand({
  name: 'pushTargets.getAttrNames',
  callers: ['admin'],
  owner: 'store',
  input: z.object({}),
  run: async (ctx): Promise<{ names: Record<string, string> }> => ({ names: Object.fromEntries(await ctx.store.pushTargets.attrNames()) }),
});

export const setAttrsCommand = defineCommand({
  name: 'pushTargets.setAttrs',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ items: z.array(z.object({ userId: z.string(), attrs: z.record(z.string(), z.string()) })) }),
  run: async (ctx, _caller, { items }): Promise<void> => {
    checkAccounts('UserAttrs', items.length);
    const bySlot = slotsByName(await ctx.store.pushTargets.attrNames());
    const writes = items.map((i) => {
      const attrs: Record<string, string> = {};
      for (const [name, value] of Object.entries(i.attrs)) {
        checkAttrText('value', value);
        attrs[slotOf(bySlot, name)] = value;
      }
      return { userId: i.userId, attrs };
    });
    await ctx.store.pushTargets.setAttrs(writes);
  },
});

export const getAttrsCommand = defineCommand({
  name: 'pushTargets.getAttrs',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ userIds: z.array(z.string()) }),
  run: async (ctx, _caller, { userIds }): Promise<{ items: { userId: string; attrs: Record<string, string> }[] }> => {
    checkAccounts('To_Account', userIds.length);
    const names = await ctx.store.pushTargets.attrNames();
    const held = await ctx.store.pushTargets.attrsOf(userIds);
    // Every account asked, in order; a slot no name stands for any longer is not shown.
    return {
      items: userIds.map((userId) => ({
        userId,
        attrs: Object.fromEntries(Object.entries(held.get(userId) ?? {}).flatMap(([slot, value]) => (names.has(slot) ? [[names.get(slot) as string, value]] : []))),
      })),
    };
  },
});

export const removeAttrsCommand = defineCommand({
  name: 'pushTargets.removeAttrs',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ items: z.array(z.object({ userId: z.string(), names: z.array(z.string()) })) }),
  run: async (ctx, _caller, { items }): Promise<void> => {
    checkAccounts('UserAttrs', items.length);
    const bySlot = slotsByName(await ctx.store.pushTargets.attrNames());
    await ctx.store.pushTargets.removeAttrs(items.map((i) => ({ userId: i.userId, slots: i.names.map((n) => slotOf(bySlot, n)) })));
  },
});
