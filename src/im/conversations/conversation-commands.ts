/**
 * Changes to a user's conversations, from their devices or the App admin: read (REST
 * admin_set_msg_read, client `conversation.read`), pin, delete (REST recentcontact/delete), and the
 * unread counts (REST get_c2c_unread_msg_num, client `conversation.unread`). Each is one call to the
 * user's inbox actor, which appends the `conversation` notice its devices sync; a C2C read also
 * tells the other side (their `peerRead`, Tencent's C2C read receipt).
 */
import { z } from 'zod';
import type { UnreadCountsResult } from '../../protocol/client-ops.ts';
import { type ErrorName, errors as catalogue, imError } from '../../protocol/errors.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { Caller } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import type { ConversationChangeOutcome } from './change-conversation.ts';
import { conversationId, parseConversationId } from './conversation-state.ts';
import { listConversations } from './list-conversations.ts';

/** get_c2c_unread_msg_num takes at most 10 peers. */
export const MAX_UNREAD_PEERS = 10;

/** The user a command is about: the caller, or for an App admin the account named (which must exist: `missing` otherwise). */
export async function subjectOf(ctx: ImContext, caller: Caller, userId: string | undefined, missing: ErrorName): Promise<string> {
  if (caller.kind === 'user') return caller.userId;
  const id = userId ?? '';
  if (!id || !(await ctx.accounts.exists(id))) throw imError(missing, { userId: id });
  return id;
}

/** A conversation id of the caller's: a C2C peer must be an account, a group one the user's. */
async function checkedConversation(ctx: ImContext, id: string, missing: ErrorName): Promise<{ type: 'c2c' | 'group'; peer: string }> {
  const parsed = parseConversationId(id);
  if (!parsed) throw imError('ContactInvalidParam', { detail: `${JSON.stringify(id)} is not a conversation id` });
  if (parsed.type === 'c2c' && !(await ctx.accounts.exists(parsed.peer))) throw imError(missing, { userId: parsed.peer });
  return parsed;
}

/** The group's head SEQ, where `userId` is a member. */
async function groupHead(ctx: ImContext, userId: string, groupId: string): Promise<number> {
  if (!(await ctx.store.groups.getMember(groupId, userId))) throw imError('NotGroupMember', { userId, groupId });
  return headOf(ctx, groupId);
}

async function headOf(ctx: ImContext, groupId: string): Promise<number> {
  const stream = groupStream(groupId);
  return (await ctx.store.messages.headSeqs([stream])).get(stream) ?? 0;
}

export const readConversationCommand = defineCommand({
  name: 'conversation.read',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ userId: z.string().optional(), conversationId: z.string(), readTime: z.number().optional() }),
  run: async (ctx, caller, i): Promise<ConversationChangeOutcome> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'FromAccountNotFound');
    const c = await checkedConversation(ctx, i.conversationId, 'ToAccountNotFound');
    const groupSeq = c.type === 'group' ? await groupHead(ctx, userId, c.peer) : undefined;
    const change = { kind: 'read' as const, conversationId: i.conversationId, operator: caller.userId, ...(i.readTime !== undefined ? { readTime: i.readTime } : {}), ...(groupSeq !== undefined ? { groupSeq } : {}) };
    const outcome = await ctx.actors.inbox(userId).call({ op: 'changeConversation', change });
    // The other side learns their messages were read (a read that read nothing new tells nobody).
    if (c.type === 'c2c' && outcome.unread < outcome.unreadBefore && c.peer !== userId) {
      const receipt = { kind: 'peerRead' as const, conversationId: conversationId('c2c', userId), operator: caller.userId, readTime: outcome.readTime };
      await ctx.actors.inbox(c.peer).call({ op: 'changeConversation', change: receipt });
    }
    return outcome;
  },
});

export const pinConversationCommand = defineCommand({
  name: 'conversation.pin',
  callers: ['user'],
  owner: 'inbox',
  input: z.object({ conversationId: z.string(), pinned: z.boolean() }),
  run: async (ctx, caller, i): Promise<void> => {
    const c = await checkedConversation(ctx, i.conversationId, 'ContactAccountNotFound');
    if (c.type === 'group') await groupHead(ctx, caller.userId, c.peer);
    await ctx.actors.inbox(caller.userId).call({ op: 'changeConversation', change: { kind: i.pinned ? 'pin' : 'unpin', conversationId: i.conversationId, operator: caller.userId } });
  },
});

export const deleteConversationCommand = defineCommand({
  name: 'conversation.delete',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ userId: z.string().optional(), conversationId: z.string(), clearHistory: z.boolean().default(false) }),
  run: async (ctx, caller, i): Promise<void> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    const parsed = parseConversationId(i.conversationId);
    if (!parsed) throw imError('ContactInvalidParam', { detail: `${JSON.stringify(i.conversationId)} is not a conversation id` });
    // A group's conversation is hidden through the group's head (one the user has left has none to delete).
    const groupSeq = parsed.type === 'group' ? await headOf(ctx, parsed.peer) : undefined;
    const change = { kind: 'delete' as const, conversationId: i.conversationId, operator: caller.userId, clearHistory: i.clearHistory, ...(groupSeq !== undefined ? { groupSeq } : {}) };
    await ctx.actors.inbox(userId).call({ op: 'changeConversation', change });
  },
});

export interface UnreadAnswer extends UnreadCountsResult {
  /** Peers that are not accounts, with 70107. */
  readonly errors: readonly { readonly userId: string; readonly code: number }[];
}

export const unreadCountsCommand = defineCommand({
  name: 'conversation.unread',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ userId: z.string().optional(), peers: z.array(z.string()).optional() }),
  run: async (ctx, caller, i): Promise<UnreadAnswer> => {
    if (i.peers && i.peers.length > MAX_UNREAD_PEERS) throw imError('C2CInvalidParam', { detail: `Peer_Account holds ${i.peers.length} accounts, at most ${MAX_UNREAD_PEERS} are allowed` });
    const userId = await subjectOf(ctx, caller, i.userId, 'ToAccountNotFound');
    const list = await listConversations(ctx, userId, { withLastMessage: false, countsOnly: true, c2cOnly: !!i.peers || caller.kind === 'admin' });
    let c2c = 0;
    let group = 0;
    const perPeer = new Map<string, number>();
    for (const v of list.conversations) {
      if (v.type === 'c2c') {
        c2c += v.unread;
        perPeer.set(v.peer, v.unread);
      } else group += v.unread;
    }
    if (!i.peers) return { total: c2c + group, c2c, group, errors: [] };
    const peers = [...new Set(i.peers)];
    const missing = new Set(await ctx.accounts.missing(peers));
    return {
      total: c2c + group,
      c2c,
      group,
      peers: peers.filter((p) => !missing.has(p)).map((p) => ({ userId: p, unread: perPeer.get(p) ?? 0 })),
      errors: peers.filter((p) => missing.has(p)).map((p) => ({ userId: p, code: catalogue.AccountNotFound.code })),
    };
  },
});
