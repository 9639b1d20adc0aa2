/**
 * k6: the client path over WebSocket against a Parley deployment — each VU is one user, logged
 * in through `POST /connect` (UserSig signed in k6) and the Colyseus room protocol
 * (lib/colyseus.ts); VUs pair up (1↔2, 3↔4, …) and send `c2c.send` operations to their peer at an
 * open-loop rate, measuring request→answer and send→`ev` delivery (both ends in this k6 process,
 * one clock). Parameters: bench/scenarios.json (`c2c`) and env; see bench/k6/README.md.
 */
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { clearInterval, setInterval, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { type SeatReservation, joinAck, parseFrame, requestFrame, roomUrl } from './lib/colyseus.ts';
import { type SharedScenarios, loadParams, modeBlock, payload, sentAt } from './lib/params.ts';
import { importAccounts } from './lib/tencent-rest.ts';
import { signUserSig } from './lib/usersig.ts';

const shared = JSON.parse(open(__ENV.SCENARIOS_FILE || '../scenarios.json')) as SharedScenarios;
const block = modeBlock(shared).c2c;
const p = loadParams(shared, block);
const users = Number(__ENV.USERS || block.users) & ~1;
const durationS = p.profile === 'knee' ? p.maxSteps * p.stepSeconds : Number(__ENV.DURATION_S || 60);
const DRAIN_MS = 3000;

const connectMs = new Trend('c2c_connect_ms', true);
const ackMs = new Trend('c2c_ack_ms', true);
const deliverMs = new Trend('c2c_deliver_ms', true);
const delivered = new Counter('c2c_delivered');
const sentCount = new Counter('c2c_sent');
const errors = new Rate('c2c_errors');

export const options: Options = {
  setupTimeout: '300s',
  scenarios: { c2c: { executor: 'per-vu-iterations', vus: users, iterations: 1, maxDuration: `${durationS + 120}s` } },
  thresholds: {
    c2c_deliver_ms: [{ threshold: `p(99)<${p.p99Ms}`, abortOnFail: p.profile === 'knee', delayAbortEval: '5s' }],
    c2c_ack_ms: [`p(99)<${p.p99Ms}`],
    c2c_errors: ['rate<0.01'],
    c2c_connect_ms: ['p(95)<2000'],
  },
};

const userOf = (vu: number): string => `${p.prefix}c${vu}`;

export function setup(): void {
  importAccounts(p, Array.from({ length: users }, (_, i) => userOf(i + 1)));
}

/** Messages per second this VU sends at `elapsedMs` into the run. */
function vuRate(elapsedMs: number): number {
  const total = p.profile === 'knee' ? p.rate * p.growth ** Math.floor(elapsedMs / 1000 / p.stepSeconds) : p.rate;
  return total / users;
}

export default function (): void {
  const vu = exec.vu.idInTest;
  const me = userOf(vu);
  const peer = userOf(vu % 2 === 1 ? vu + 1 : vu - 1);
  if (!p.secretKey) throw new Error('ws.ts signs user UserSigs: set SECRET_KEY');
  const t0 = Date.now();
  const res = http.post(`${p.baseUrl}/connect`, JSON.stringify({ UserID: me, UserSig: signUserSig({ sdkAppId: p.sdkAppId, key: p.secretKey, identifier: me }), Platform: 'Linux' }), {
    headers: { 'content-type': 'application/json' },
  });
  const body = res.json() as { ErrorCode?: number; SeatReservation?: SeatReservation };
  if (body.ErrorCode !== 0 || !body.SeatReservation) {
    errors.add(true);
    return;
  }
  const ws = new WebSocket(roomUrl(p.baseUrl, body.SeatReservation));
  ws.binaryType = 'arraybuffer';
  const pending = new Map<number, number>();
  let nextId = 1;
  let n = 0;
  let timer: number | undefined;
  let started = 0;
  const send = (): void => {
    const id = nextId++;
    pending.set(id, Date.now());
    sentCount.add(1);
    // Every operation travels in the one request type `op` as `{op, args}` (src/protocol/client-ops.ts).
    ws.send(requestFrame(id, 'op', { op: 'c2c.send', args: { to: peer, body: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: payload(vu, n++, p.payloadBytes) } }] } }));
  };
  /** Re-arms the send timer once per step so the knee profile can raise the rate. */
  const schedule = (): void => {
    if (timer !== undefined) clearInterval(timer);
    const elapsed = Date.now() - started;
    if (elapsed >= durationS * 1000) {
      setTimeout(() => ws.close(), DRAIN_MS);
      return;
    }
    timer = setInterval(send, 1000 / vuRate(elapsed));
    setTimeout(schedule, Math.min(p.stepSeconds * 1000, durationS * 1000 - elapsed));
  };
  ws.onmessage = (e) => {
    const f = parseFrame(e?.data as ArrayBuffer);
    if (f.kind === 'join') {
      ws.send(joinAck());
      connectMs.add(Date.now() - t0);
      started = Date.now();
      schedule();
    } else if (f.kind === 'response') {
      const at = pending.get(f.requestId);
      pending.delete(f.requestId);
      if (at !== undefined) ackMs.add(Date.now() - at);
      errors.add(f.status !== 0);
    } else if (f.kind === 'data' && f.type === 'ev') {
      const ev = f.payload as { entry?: { from?: string; body?: { MsgContent?: { Data?: unknown } }[] } };
      const at = sentAt(ev.entry?.body?.[0]?.MsgContent?.Data);
      if (at !== undefined && ev.entry?.from === peer) {
        deliverMs.add(Date.now() - at);
        delivered.add(1);
      }
    } else if (f.kind === 'error') {
      errors.add(true);
    }
  };
  ws.onerror = () => errors.add(true);
}
