/**
 * Tencent-compatible HTTP callbacks to the app server, as one feature: the before-hooks the domain
 * calls synchronously, and the after-callback consumer fed by the event bus. `createCallbacks`
 * builds both; `start` subscribes the consumer (once the server listens), `stop` ends it (before the
 * event bus closes).
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { EventBus } from '../../im/event-bus.ts';
import { type AfterCallbacks, startAfterCallbacks } from './after-callbacks.ts';
import { AFTER_COMMANDS } from '../../protocol/callback-commands.ts';
import { createCallbackClient } from './callback-client.ts';
import { type CallbackHooks, callbackHooks } from './callback-hooks.ts';

export interface CallbacksDeps {
  readonly config: NonNullable<Config['callbacks']>;
  readonly bus: EventBus;
  readonly sdkAppId: number;
  /** Where group types are looked up for callbacks whose event does not carry one. */
  readonly groups: { getGroup(groupId: string): Promise<{ readonly type: string } | undefined> };
  /** Largest message content, bytes: a rewritten message must fit too. */
  readonly maxMsgBytes: number;
  /** Unix ms. */
  readonly now: () => number;
  readonly log: Logger;
}

export interface Callbacks {
  /** Use in place of ALLOW_ALL. */
  readonly hooks: CallbackHooks;
  /** Starts delivering after-callbacks from the events published from now on (or from the group's last commit). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Group types never change; this many are remembered (the map is cleared when full). */
const GROUP_TYPE_CACHE = 10_000;

export function createCallbacks(d: CallbacksDeps): Callbacks {
  const log = d.log.child({ feature: 'callbacks' });
  const enabled = new Set(d.config.commands);
  const client = createCallbackClient({ url: d.config.url, token: d.config.token, sdkAppId: d.sdkAppId, timeoutMs: d.config.timeoutMs, now: d.now });
  const hooks = callbackHooks({ client, enabled, failClosed: d.config.failClosed, maxMsgBytes: d.maxMsgBytes, now: d.now, log });
  const groupTypes = new Map<string, string>();
  const groupTypeOf = async (groupId: string): Promise<string | undefined> => {
    const known = groupTypes.get(groupId);
    if (known !== undefined) return known;
    const type = (await d.groups.getGroup(groupId))?.type;
    if (type === undefined) return undefined;
    if (groupTypes.size >= GROUP_TYPE_CACHE) groupTypes.clear();
    groupTypes.set(groupId, type);
    return type;
  };
  let after: AfterCallbacks | undefined;

  return {
    hooks,
    async start() {
      if (after || !AFTER_COMMANDS.some((c) => enabled.has(c))) return;
      after = await startAfterCallbacks({ bus: d.bus, client, enabled, retries: d.config.retries, groupTypeOf, log });
    },
    async stop() {
      await after?.stop();
      after = undefined;
    },
  };
}
