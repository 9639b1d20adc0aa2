/**
 * One scenario's clients inside a load worker: logs them in, runs open-loop steps (send at a rate,
 * measure send→answer and send→delivery latency, count deliveries), keeps the sent and received
 * logs, and checks integrity against the sends of all workers.
 */
import { type IntegrityReport, checkIntegrity } from '../integrity.ts';
import { Histogram } from '../lib/histogram.ts';
import { WORKER_ID_SPAN, decodePayload, encodePayload, nowMs, workerOfId } from '../lib/payload.ts';
import { RestClient } from '../servers/rest-client.ts';
import { expectedStreams } from './expectations.ts';
import { pace } from './pacer.ts';
import type { OpenResult, SentLog, SessionSpec, StepReport, StepRequest, TargetSpec } from './protocol.ts';
import { Receipts } from './receipts.ts';
import { type BenchClient, type Delivery, type Role, type Target, createTarget, customBody } from './targets.ts';

/** Outstanding sends per worker above which the pacer skips (the step is then over capacity anyway). */
const MAX_IN_FLIGHT = 20_000;
/** Logins in flight at once when opening a rate scenario. */
const LOGIN_CONCURRENCY = 32;
/** Deliveries quiet for this long (with no send outstanding) end a drain. */
const QUIET_MS = 250;

interface Sender {
  readonly name: string;
  readonly to: string;
  send(data: string, id: number): Promise<number>;
}

export class Session {
  readonly #worker: number;
  readonly #spec: SessionSpec;
  readonly #targetSpec: TargetSpec;
  readonly #target: Target;
  readonly #receipts = new Receipts();
  readonly #clients: BenchClient[] = [];
  #senders: Sender[] = [];
  #rest: RestClient | undefined;
  // sent log, columnar
  readonly #names: string[] = [];
  readonly #nameIndex = new Map<string, number>();
  readonly #ids: number[] = [];
  readonly #from: number[] = [];
  readonly #to: number[] = [];
  readonly #seqs: number[] = [];
  readonly #status: number[] = [];
  // live counters
  #counter = 0;
  #inFlight = 0;
  #windowOpen = false;
  #deliveredInWindow = 0;
  #lastDeliveryAt = 0;
  readonly #delivery = new Map<number, Histogram>();

  private constructor(worker: number, target: TargetSpec, spec: SessionSpec) {
    this.#worker = worker;
    this.#spec = spec;
    this.#targetSpec = target;
    this.#target = createTarget(target);
  }

  static async open(worker: number, target: TargetSpec, spec: SessionSpec): Promise<{ session: Session; result: OpenResult }> {
    const s = new Session(worker, target, spec);
    const result = await s.#login();
    s.#senders = s.#makeSenders();
    return { session: s, result };
  }

  // ---- login ---------------------------------------------------------------------------------

  #logins(): { user: string; role: Role; sends: boolean }[] {
    const s = this.#spec;
    switch (s.kind) {
      case 'c2c':
        return s.pairs.flatMap(([a, b]) => [
          { user: a, role: { kind: 'c2c', peer: b } as Role, sends: true },
          { user: b, role: { kind: 'c2c', peer: a } as Role, sends: true },
        ]);
      case 'group':
        return s.online.map((u) => ({ user: u, role: { kind: 'group', groupId: s.groupId }, sends: s.senders.includes(u) }));
      case 'audience':
        return s.audience.map((u) => ({ user: u, role: { kind: 'audience', groupId: s.groupId }, sends: s.senders.includes(u) }));
      case 'rest-group':
        return s.receivers.map((u) => ({ user: u, role: { kind: 'group', groupId: s.groupId }, sends: false }));
      case 'rest-c2c':
        return s.receivers.map((u) => ({ user: u, role: { kind: 'idle' }, sends: false }));
      case 'idle':
        return s.users.map((u) => ({ user: u, role: { kind: 'idle' }, sends: false }));
    }
  }

  readonly #senderClients = new Map<string, { client: BenchClient; role: Role }>();

  async #login(): Promise<OpenResult> {
    const started = performance.now();
    const hist = new Histogram();
    const todo = this.#logins();
    let failures = 0;
    let firstError: string | undefined;
    const concurrency = this.#spec.kind === 'idle' ? this.#spec.concurrency : LOGIN_CONCURRENCY;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < todo.length) {
        const { user, role, sends } = todo[next++];
        const t0 = performance.now();
        try {
          const client = await this.#target.login(user, role, (d) => this.#onDelivery(d));
          hist.record(performance.now() - t0);
          this.#clients.push(client);
          if (sends) this.#senderClients.set(user, { client, role });
        } catch (e) {
          failures++;
          firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, lane));
    return {
      clients: this.#clients.length,
      failures,
      firstError,
      login: hist.snapshot(),
      durationMs: performance.now() - started,
      workerRssBytes: process.memoryUsage().rss,
    };
  }

  #makeSenders(): Sender[] {
    const s = this.#spec;
    if (s.kind === 'rest-c2c' || s.kind === 'rest-group') {
      this.#rest = new RestClient(this.#targetSpec.endpoint, this.#targetSpec.identity, s.httpConnections);
      const rest = this.#rest;
      if (s.kind === 'rest-group') {
        return [{ name: s.from, to: s.groupId, send: (data, id) => restGroupSend(rest, s.groupId, s.from, data, id) }];
      }
      return s.senders.map((from, i) => {
        const to = s.receivers[i % s.receivers.length];
        return { name: from, to, send: (data, id) => restC2CSend(rest, from, to, data, id) };
      });
    }
    return [...this.#senderClients].map(([name, { client, role }]) => ({
      name,
      to: role.kind === 'c2c' ? role.peer : role.kind === 'group' || role.kind === 'audience' ? role.groupId : '',
      send: (data, id) => client.send(data, id >>> 0),
    }));
  }

  // ---- deliveries ------------------------------------------------------------------------------

  #onDelivery(d: Delivery): void {
    const p = decodePayload(d.data);
    this.#receipts.record(d.device, d.stream, d.seq, p?.id);
    if (!p) return;
    // A c2c sender's own copy (pushed to its other devices) is not a delivery to the peer.
    if (d.from !== undefined && d.from === d.device && this.#spec.kind === 'c2c') return;
    this.#lastDeliveryAt = performance.now();
    if (this.#windowOpen) this.#deliveredInWindow++;
    // Broadcasts (im_push, from the orchestrator) count in every worker; other messages in their sender's.
    if (workerOfId(p.id) === this.#worker || d.stream === 'b:all') this.#histogram(this.#delivery, p.step).record(nowMs() - p.sentAt);
  }

  #histogram(m: Map<number, Histogram>, step: number): Histogram {
    let h = m.get(step);
    if (!h) m.set(step, (h = new Histogram()));
    return h;
  }

  // ---- steps ---------------------------------------------------------------------------------

  async step(req: StepRequest): Promise<StepReport> {
    const ack = new Histogram();
    let acked = 0;
    let failed = 0;
    let firstError: string | undefined;
    let rr = 0;
    const bytes = this.#targetSpec.payloadBytes;
    const fire = (): void => {
      const sender = this.#senders[rr++ % this.#senders.length];
      const id = this.#worker * WORKER_ID_SPAN + ++this.#counter;
      const k = this.#logSend(id, sender);
      const t0 = nowMs();
      this.#inFlight++;
      sender.send(encodePayload({ step: req.index, id, sentAt: t0 }, bytes), id).then(
        (seq) => {
          ack.record(nowMs() - t0);
          acked++;
          this.#seqs[k] = seq;
          this.#status[k] = 0;
          this.#inFlight--;
        },
        (e: unknown) => {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
          this.#inFlight--;
        },
      );
    };
    this.#deliveredInWindow = 0;
    this.#windowOpen = true;
    const paced =
      this.#senders.length > 0
        ? await pace({ rate: req.rate, durationMs: req.durationMs, maxInFlight: MAX_IN_FLIGHT, inFlight: () => this.#inFlight, fire })
        : { offered: 0, fired: 0, skipped: 0, windowMs: await sleepFor(req.durationMs) };
    this.#windowOpen = false;
    const deliveredInWindow = this.#deliveredInWindow;
    const drained = await this.#drain(req.drainTimeoutMs);
    return {
      index: req.index,
      windowMs: paced.windowMs,
      offered: paced.offered,
      sent: paced.fired,
      skipped: paced.skipped,
      acked,
      failed,
      firstError,
      ack: ack.snapshot(),
      delivery: (this.#delivery.get(req.index) ?? new Histogram()).snapshot(),
      deliveredInWindow,
      drained,
    };
  }

  #logSend(id: number, s: Sender): number {
    this.#ids.push(id);
    this.#from.push(this.#name(s.name));
    this.#to.push(this.#name(s.to));
    this.#seqs.push(0);
    this.#status.push(1);
    return this.#ids.length - 1;
  }

  #name(n: string): number {
    let i = this.#nameIndex.get(n);
    if (i === undefined) {
      i = this.#names.push(n) - 1;
      this.#nameIndex.set(n, i);
    }
    return i;
  }

  async #drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = performance.now();
      if (this.#inFlight === 0 && now - this.#lastDeliveryAt >= QUIET_MS) return true;
      if (now > deadline) return false;
      await sleepFor(25);
    }
  }

  // ---- logs and integrity -------------------------------------------------------------------------

  sentLog(): SentLog {
    return { worker: this.#worker, names: this.#names, ids: this.#ids, from: this.#from, to: this.#to, seqs: this.#seqs, status: this.#status };
  }

  integrity(logs: readonly SentLog[]): IntegrityReport {
    return checkIntegrity(expectedStreams(this.#spec, this.#target, this.#targetSpec.kind, logs), this.#receipts.observed());
  }

  async close(): Promise<number> {
    const clients = this.#clients.splice(0);
    for (let i = 0; i < clients.length; i += 500) await Promise.all(clients.slice(i, i + 500).map((c) => c.close().catch(() => undefined)));
    this.#rest?.close();
    return clients.length;
  }
}

async function sleepFor(ms: number): Promise<number> {
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return performance.now() - t0;
}

async function restC2CSend(rest: RestClient, from: string, to: string, data: string, id: number): Promise<number> {
  const r = await rest.call('openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: id >>> 0, MsgBody: customBody(data) });
  if (r.ErrorCode !== 0) throw new Error(`sendmsg ${r.ErrorCode} ${r.ErrorInfo}`);
  return 0;
}

async function restGroupSend(rest: RestClient, groupId: string, from: string, data: string, id: number): Promise<number> {
  const r = await rest.call('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: from, Random: id >>> 0, MsgBody: customBody(data) });
  if (r.ErrorCode !== 0) throw new Error(`send_group_msg ${r.ErrorCode} ${r.ErrorInfo}`);
  return typeof r.MsgSeq === 'number' ? r.MsgSeq : 0;
}
