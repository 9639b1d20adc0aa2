/**
 * The AVChatRooms a user joined as audience from their devices, as their inbox remembers them (in
 * memory): when the user's last device leaves, or the inbox passivates, the user leaves each one
 * (`leaveAudience` through `actors.group(id)`, wherever that actor runs). A group that no longer
 * has them, or no longer exists, ignores the call.
 */
import type { Logger } from 'pino';
import type { Actors } from '../../src/im/actor-api.ts';
import { type JoinGroupResult, Op } from '../../src/protocol/client-ops.ts';

/** Audiences remembered per user; joining one more leaves the one joined longest ago. */
export const MAX_AUDIENCE_GROUPS = 100;

export class AudienceGroups {
  /** Group ids in the order joined; at most MAX_AUDIENCE_GROUPS. */
  readonly #groups = new Set<string>();
  readonly #userId: string;
  readonly #actors: Actors;
  readonly #log: Logger;

  constructor(userId: string, actors: Actors, log: Logger) {
    this.#userId = userId;
    this.#actors = actors;
    this.#log = log;
  }

  /** Notes a client operation that succeeded: an audience joined (`group.join` answered `audience`) or quit. */
  noteOp(op: string, args: unknown, result: unknown): void {
    const groupId = (args as { groupId?: unknown } | undefined)?.groupId;
    if (typeof groupId !== 'string') return;
    if (op === Op.QuitGroup) this.#groups.delete(groupId);
    if (op !== Op.JoinGroup || !(result as JoinGroupResult | undefined)?.audience) return;
    this.#groups.delete(groupId);
    this.#groups.add(groupId);
    if (this.#groups.size > MAX_AUDIENCE_GROUPS) {
      const oldest = this.#groups.values().next().value as string;
      this.#groups.delete(oldest);
      this.#leave(oldest);
    }
  }

  /** The user went offline: they leave every audience they joined (best effort, not awaited). */
  leaveAll(): void {
    for (const groupId of this.#groups) this.#leave(groupId);
    this.#groups.clear();
  }

  #leave(groupId: string): void {
    this.#actors
      .group(groupId)
      .call({ op: 'leaveAudience', userId: this.#userId })
      .catch((e: unknown) => this.#log.debug({ err: e, userId: this.#userId, groupId }, 'leaving an audience failed'));
  }
}
