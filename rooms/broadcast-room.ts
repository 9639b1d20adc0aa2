/**
 * BroadcastRoom: the one actor (`broadcast_all`) that writes the broadcast stream `b:all` — one
 * stored entry per all-member push (read diffusion: never a copy per user) — and keeps the im_push
 * quota. It delivers nothing itself: each stored push's `broadcast.message` event starts its
 * delivery job (src/events/broadcast), wherever the event bus hands it.
 */
import type { BroadcastProtocol, BroadcastPushResult, BroadcastSpec, Handlers } from '../src/im/actor-api.ts';
import { PushQuota, DAY_MS } from '../src/im/broadcast/push-quota.ts';
import { taskIdOf } from '../src/im/broadcast/task-id.ts';
import { entryOf } from '../src/im/stream-page.ts';
import type { BroadcastMessage } from '../src/protocol/entries.ts';
import { CloseCode } from '../src/protocol/close-codes.ts';
import { BROADCAST_STREAM } from '../src/protocol/streams.ts';
import { ActorRoom } from './actor-room.ts';
import { commitObserver } from './commit-metrics.ts';
import { emitterFor } from './emitter-for.ts';
import { GroupStream } from './group/group-stream.ts';

/** A push stays in `b:all` this long past its offline delivery: its TaskId can be looked up, its time counts for the quota. */
const KEEP_AFTER_MS = 30 * DAY_MS;

interface Loaded {
  readonly stream: GroupStream;
  readonly quota: PushQuota;
  /** Pushes of the dedup window by sender and MsgRandom (at most a day's quota of them), for retries. */
  readonly recent: Map<string, { readonly taskId: string; readonly seq: number; readonly time: number }>;
}

const keyOf = (from: string, random: number): string => `${from}:${random}`;

export class BroadcastRoom extends ActorRoom<BroadcastProtocol> {
  protected readonly handlers: Handlers<BroadcastProtocol> = {
    push: (c) => this.serve(() => this.#exclusive(() => this.#push(c.spec))),
    flushEvents: () => this.serve(() => this.#loaded().stream.flushEvents()),
  };
  #state: Loaded | undefined;
  /** Pushes run one at a time: the quota is checked and counted around each store write. */
  #pushes: Promise<unknown> = Promise.resolve();

  protected async load(): Promise<void> {
    const im = this.deps.im;
    const claim = await im.store.messages.claimStream(BROADCAST_STREAM);
    const stream = new GroupStream(
      {
        streamId: BROADCAST_STREAM,
        log: im.store.messages,
        fanOut: this.deps.fanOut,
        now: im.now,
        dedupWindowMs: im.limits.dedupWindowS * 1000,
        onCommit: commitObserver(im.metrics, 'b'),
        emitter: emitterFor(this.deps, BROADCAST_STREAM),
        onFatal: (e) => {
          im.log.warn({ err: e }, 'broadcast writer failed; passivating');
          void this.passivate(CloseCode.ActorMoved);
        },
      },
      claim,
    );
    const perDay = im.limits.pushPerDay ?? 100;
    const now = im.now();
    const tail = await stream.readBack(stream.head, perDay);
    const recent = new Map<string, { taskId: string; seq: number; time: number }>();
    for (const row of tail) {
      const m = entryOf(row) as BroadcastMessage;
      recent.set(keyOf(m.from, m.random), { taskId: m.taskId, seq: row.seq, time: row.time });
    }
    const quota = new PushQuota({ perDay, gapMs: im.limits.pushGapMs ?? 1000 }, tail.map((r) => r.time).filter((t) => t > now - DAY_MS));
    this.#state = { stream, quota, recent };
  }

  protected canPassivate(): boolean {
    return this.#state === undefined || this.#state.stream.idle;
  }

  protected release(): void {
    if (this.#state) this.deps.closing.track(this.#state.stream.close());
  }

  #loaded(): Loaded {
    if (!this.#state) throw new Error('broadcast actor not loaded');
    return this.#state;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#pushes.then(fn);
    this.#pushes = run.catch(() => undefined);
    return run;
  }

  /** A retry of a push (same sender and MsgRandom) answers the first one's task and counts nothing. */
  async #push(spec: BroadcastSpec): Promise<BroadcastPushResult> {
    const { stream, quota, recent } = this.#loaded();
    const im = this.deps.im;
    const now = im.now();
    const windowMs = im.limits.dedupWindowS * 1000;
    for (const [key, p] of recent) if (p.time <= now - windowMs) recent.delete(key);
    const idemKey = keyOf(spec.from, spec.random);
    // A retry is answered before the quota is asked: it is no new push.
    const earlier = recent.get(idemKey);
    if (earlier) return { taskId: earlier.taskId, seq: earlier.seq, duplicate: true };
    quota.check(now);
    const offlineUntil = now + spec.lifetimeS * 1000;
    const out = await stream.append(
      {
        idemKey,
        time: now,
        expiresAt: offlineUntil + KEEP_AFTER_MS,
        entry: (seq): BroadcastMessage => ({
          kind: 'broadcast',
          taskId: taskIdOf(im.identity.sdkAppId, seq, spec.random, now),
          from: spec.from,
          time: now,
          random: spec.random,
          body: spec.body,
          ...(spec.condition ? { condition: spec.condition } : {}),
          offlineUntil,
          ...(spec.offlinePush ? { offlinePush: spec.offlinePush } : {}),
          ...(spec.senderProfile && Object.keys(spec.senderProfile).length > 0 ? { senderProfile: spec.senderProfile } : {}),
        }),
      },
      () => [],
    );
    if (out.duplicate) {
      if (!out.original) throw new Error(`broadcast ${out.seq} is gone`);
      return { taskId: (entryOf(out.original) as BroadcastMessage).taskId, seq: out.seq, duplicate: true };
    }
    const taskId = (out.value as BroadcastMessage).taskId;
    quota.note(now);
    recent.set(idemKey, { taskId, seq: out.seq, time: now });
    return { taskId, seq: out.seq, duplicate: false };
  }
}
