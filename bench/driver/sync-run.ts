/**
 * The sync scenario, run inside one worker: while a user is offline, REST `sendmsg` fills their
 * inbox with N messages (closed loop over keep-alive connections); then the user logs in with no
 * cursors, and the time until the client has delivered all N entries is measured (login, /connect,
 * join and the paged sync that `ParleyClient.login` performs), per page size and repeat.
 */
import { checkIntegrity } from '../integrity.ts';
import { Histogram } from '../lib/histogram.ts';
import { decodePayload, encodePayload, nowMs } from '../lib/payload.ts';
import { RestClient } from '../servers/rest-client.ts';
import type { SyncReport, SyncRequest, TargetSpec } from './protocol.ts';
import { Receipts } from './receipts.ts';
import { createTarget, customBody } from './targets.ts';

const CATCH_UP_TIMEOUT_MS = 30_000;

async function fill(rest: RestClient, req: SyncRequest, payloadBytes: number) {
  const ack = new Histogram();
  const failed = new Set<number>();
  let next = 1;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next <= req.messages) {
      const id = next++;
      const t0 = nowMs();
      const body = customBody(encodePayload({ step: 0, id, sentAt: t0 }, payloadBytes));
      const from = req.senders[id % req.senders.length];
      try {
        const r = await rest.call('openim/sendmsg', { From_Account: from, To_Account: req.user, MsgRandom: id, MsgBody: body });
        if (r.ErrorCode !== 0) failed.add(id);
        else ack.record(nowMs() - t0);
      } catch {
        failed.add(id);
      }
    }
  };
  await Promise.all(Array.from({ length: req.restConcurrency }, lane));
  return { ack, failed, ms: performance.now() - started };
}

export async function runSync(spec: TargetSpec, req: SyncRequest): Promise<SyncReport> {
  const rest = new RestClient(spec.endpoint, spec.identity, req.restConcurrency);
  const filled = await fill(rest, req, spec.payloadBytes);
  rest.close();
  const target = createTarget(spec);
  const firstReceipts = new Receipts();
  const runs: { pageSize: number; ms: number[]; received: number[] }[] = [];
  for (const pageSize of req.pageSizes) {
    const run = { pageSize, ms: [] as number[], received: [] as number[] };
    runs.push(run);
    for (let rep = 0; rep < req.repeats; rep++) {
      const receipts = runs.length === 1 && rep === 0 ? firstReceipts : undefined;
      let count = 0;
      const t0 = performance.now();
      const client = await target.login(
        req.user,
        { kind: 'idle' },
        (d) => {
          const p = decodePayload(d.data);
          receipts?.record(d.device, d.stream, d.seq, p?.id);
          if (p) count++;
        },
        { pageSize },
      );
      const deadline = performance.now() + CATCH_UP_TIMEOUT_MS;
      while (count < req.messages - filled.failed.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
      run.ms.push(performance.now() - t0);
      run.received.push(count);
      await client.close();
    }
  }
  const entries = Array.from({ length: req.messages }, (_, i) => (filled.failed.has(i + 1) ? { id: i + 1, unconfirmed: true } : { id: i + 1 }));
  return {
    messages: req.messages,
    fillMs: filled.ms,
    fillFailures: filled.failed.size,
    fillAck: filled.ack.snapshot(),
    runs,
    integrity: checkIntegrity([{ device: req.user, stream: `u:${req.user}`, entries, startAfter: 0 }], firstReceipts.observed()),
  };
}
