/**
 * A domain context without a process: accounts from a list, inbox actors that record C2C
 * deliveries (with scripted failures per inbox), group actors that record the commands they get.
 * For unit tests of commands and rules; everything else in the context is absent.
 */
import pino from 'pino';
import type { ActorRef, C2CDeliverOptions, C2CDelivery, GroupProtocol, InboxProtocol, CommandOf } from '../../src/im/actor-api.ts';
import type { ImContext, ImLimits } from '../../src/im/context.ts';
import { ALLOW_ALL } from '../../src/im/hooks.ts';
import type { C2CMessage } from '../../src/protocol/entries.ts';
import { imError } from '../../src/protocol/errors.ts';

const DAY = 86_400;
export const limits: ImLimits = { maxMsgBytes: 12_288, offlineRetentionS: 7 * DAY, roamingRetentionS: 30 * DAY, dedupWindowS: 300, recallWindowS: 120 };

export interface FakeOptions {
  readonly accounts: readonly string[];
  readonly failures?: Record<string, Error[]>;
  /** What a group actor answers, per command. */
  readonly groupAnswers?: Partial<Record<CommandOf<GroupProtocol>['op'], unknown>>;
}

export function fakeContext(o: FakeOptions) {
  const writes: { inbox: string; message: C2CMessage; opts: C2CDeliverOptions }[] = [];
  const groupCalls: { groupId: string; command: CommandOf<GroupProtocol> }[] = [];
  const failures = o.failures ?? {};
  const ctx = {
    limits,
    moderation: { groupMsgRate: 40 },
    log: pino({ level: 'silent' }),
    now: () => 1_700_000_000_000,
    hooks: ALLOW_ALL,
    identity: { sdkAppId: 1, secretKey: 'k', admins: new Set(['administrator']) },
    accounts: {
      missing: async (ids: readonly string[]) => ids.filter((id) => !o.accounts.includes(id)),
      exists: async (id: string) => o.accounts.includes(id),
      mutes: async () => ({ c2cUntil: 0, groupUntil: 0 }),
      peekMutes: () => undefined,
      known: () => false,
    },
    senderProfiles: { peek: () => ({}), load: async () => ({}), forget: () => undefined },
    relationGate: { friendsOnly: false, peek: () => undefined, pair: async () => ({ receiverBlacklistsSender: false, senderHasReceiver: false, receiverHasSender: false }), forget: () => undefined },
    actors: {
      inbox: (userId: string): ActorRef<InboxProtocol> => ({
        call: async (command) => {
          if (command.op !== 'deliverC2C') throw new Error(`unexpected ${command.op}`);
          const failure = failures[userId]?.shift();
          if (failure) throw failure;
          const { message, opts } = command;
          // As the inbox actor: an inbox exists only for an account.
          if (!o.accounts.includes(userId)) throw imError(message.from === userId ? 'FromAccountNotFound' : 'ToAccountNotFound', { userId });
          writes.push({ inbox: userId, message, opts });
          const delivery: C2CDelivery = { seq: writes.filter((w) => w.inbox === userId).length, message, duplicate: false };
          return delivery as never;
        },
      }),
      group: (groupId: string): ActorRef<GroupProtocol> => ({
        call: async (command) => {
          groupCalls.push({ groupId, command });
          return o.groupAnswers?.[command.op] as never;
        },
      }),
    },
  } as unknown as ImContext;
  return { ctx, writes, groupCalls };
}
