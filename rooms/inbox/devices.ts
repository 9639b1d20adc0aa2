/**
 * The devices of one user connected to their inbox room: who they are (platform, UserSig expiry),
 * live pushes (each event encoded once for all devices), kicks and UserSig expiry.
 */
import { type Client, Protocol, getMessageBytes } from '@colyseus/core';
import type { Counter } from 'prom-client';
import { CloseCode } from '../../src/protocol/close-codes.ts';
import { ServerMessage, type Platform } from '../../src/protocol/client-ops.ts';
import type { StreamEvent } from '../../src/protocol/entries.ts';
import type { LiveEvent } from '../../src/cluster/fan-out.ts';
import { type LoginLimits, devicesToClose } from '../../src/im/devices/login-policy.ts';

export interface DeviceInfo {
  readonly platform: Platform;
  /** Unix ms when the device's UserSig expires. */
  readonly sigExpiresAt: number;
  /** The address the device connected from (callbacks' ClientIP). */
  readonly clientIp: string;
  /** Its place in the order of this inbox's logins (the newest login wins). */
  readonly since: number;
}

/** setTimeout's largest delay; longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function encodeEvent(event: StreamEvent): Buffer {
  return getMessageBytes.raw(Protocol.ROOM_DATA, ServerMessage.Event, event);
}

export class Devices {
  readonly #clients: Iterable<Client>;
  /** Expiry timer per connected device; bounded by the devices connected. */
  readonly #expiry = new Map<Client, NodeJS.Timeout>();

  readonly #deliveries: Counter;
  /** Parley's clock (Unix ms), which UserSig expiry is judged by. */
  readonly #now: () => number;

  constructor(clients: Iterable<Client>, deliveries: Counter, now: () => number) {
    this.#clients = clients;
    this.#deliveries = deliveries;
    this.#now = now;
  }

  /** Records a joined device and closes it with 4101 when its UserSig expires. */
  attach(client: Client, info: DeviceInfo): void {
    client.userData = info;
    this.#armExpiry(client, info.sigExpiresAt);
  }

  #armExpiry(client: Client, at: number): void {
    const wait = at - this.#now();
    const timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) this.#armExpiry(client, at);
      else client.leave(CloseCode.UserSigExpired, 'UserSig expired');
    }, Math.min(Math.max(wait, 0), MAX_TIMER_MS));
    timer.unref();
    this.#expiry.set(client, timer);
  }

  /**
   * Closes the devices a new login on `platform` replaces under `limits` (login-policy.ts) with
   * 4103, which their SDKs do not reconnect from; answers their platforms.
   */
  replaceFor(limits: LoginLimits, platform: Platform): Platform[] {
    const online = [...this.#expiry.keys()].map((key) => ({ key, platform: (key.userData as DeviceInfo).platform, since: (key.userData as DeviceInfo).since }));
    const replaced = devicesToClose(limits, online, platform);
    for (const c of replaced) c.leave(CloseCode.ReplacedByNewLogin, 'logged in on another device');
    return replaced.map((c) => (c.userData as DeviceInfo).platform);
  }

  /** How many devices completed their join and are connected. */
  get count(): number {
    return this.#expiry.size;
  }

  /** The connected devices' platforms, oldest login first. */
  platforms(): { platform: Platform }[] {
    return [...this.#expiry.keys()].map((c) => c.userData as DeviceInfo).sort((a, b) => a.since - b.since).map((d) => ({ platform: d.platform }));
  }

  /** Forgets a device; false if it never completed its join. */
  detach(client: Client): boolean {
    clearTimeout(this.#expiry.get(client));
    return this.#expiry.delete(client);
  }

  /** Sends to every connected device but `except` (a session id); the event is encoded once for all of them (and for other inboxes sharing `live`). */
  push(live: LiveEvent, except?: string): void {
    let n = 0;
    for (const c of this.#clients) {
      if (c.sessionId === except) continue;
      c.enqueueRaw((live.bytes ??= encodeEvent(live.event)));
      n++;
    }
    if (n > 0) this.#deliveries.inc(n);
  }

  closeAll(code: number, reason: string): void {
    for (const c of [...this.#clients]) c.leave(code, reason);
  }

  clear(): void {
    for (const t of this.#expiry.values()) clearTimeout(t);
    this.#expiry.clear();
  }
}
