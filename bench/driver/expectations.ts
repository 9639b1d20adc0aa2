/**
 * Turns the sends of every worker into what this worker's devices must have received, per
 * scenario shape, for the integrity check (bench/integrity.ts):
 * - c2c: the peer gets each message in its inbox; on Parley the sender's own device also gets its
 *   copy (client sends store and push the sender's copy) at the acknowledged SEQ;
 * - group / rest-group: every online member gets every message, at the acknowledged group SEQ;
 * - rest-c2c: the receiver gets each message in its inbox (REST answers carry no SEQ);
 * - audience (AVChatRoom): every audience device, senders included, gets every message exactly
 *   once by message id; on Parley each must come live (SEQ 0) and be acknowledged without a SEQ
 *   (`live`), since the type keeps no history.
 * On Parley every account in a bench run is fresh, so each inbox (including the notices a group
 * member gets) must start at SEQ 1 and be gap-free.
 */
import type { ExpectedStream, SentEntry } from '../integrity.ts';
import type { SentLog, SessionSpec, TargetKind } from './protocol.ts';
import type { Role, Target } from './targets.ts';

type Streams = Map<string, { device: string; stream: string; entries: SentEntry[] }>;

function add(into: Streams, device: string, stream: string, entry: SentEntry): void {
  const key = `${device}\u0000${stream}`;
  let s = into.get(key);
  if (!s) into.set(key, (s = { device, stream, entries: [] }));
  s.entries.push(entry);
}

const entryOf = (log: SentLog, k: number, withSeq: boolean): SentEntry =>
  log.status[k] === 0 ? { id: log.ids[k], seq: withSeq && log.seqs[k] > 0 ? log.seqs[k] : undefined } : { id: log.ids[k], unconfirmed: true };

function pairwise(spec: Extract<SessionSpec, { kind: 'c2c' }>, target: Target, kind: TargetKind, logs: readonly SentLog[]): Streams {
  const local = new Set(spec.pairs.flat());
  const out: Streams = new Map();
  for (const u of local) out.set(`${u}\u0000${target.stream(u, peerRole(spec, u))}`, { device: u, stream: target.stream(u, peerRole(spec, u)), entries: [] });
  for (const log of logs) {
    for (let k = 0; k < log.ids.length; k++) {
      const from = log.names[log.from[k]];
      const to = log.names[log.to[k]];
      if (local.has(to)) add(out, to, target.stream(to, { kind: 'c2c', peer: from }), entryOf(log, k, false));
      if (kind === 'parley' && local.has(from)) add(out, from, target.stream(from, { kind: 'c2c', peer: to }), entryOf(log, k, true));
    }
  }
  return out;
}

function peerRole(spec: Extract<SessionSpec, { kind: 'c2c' }>, user: string): Role {
  const pair = spec.pairs.find((p) => p[0] === user || p[1] === user);
  return { kind: 'c2c', peer: pair ? (pair[0] === user ? pair[1] : pair[0]) : user };
}

function toDirect(receivers: readonly string[], target: Target, logs: readonly SentLog[]): Streams {
  const local = new Set(receivers);
  const out: Streams = new Map();
  for (const r of receivers) out.set(`${r}\u0000${target.stream(r, { kind: 'idle' })}`, { device: r, stream: target.stream(r, { kind: 'idle' }), entries: [] });
  for (const log of logs) {
    for (let k = 0; k < log.ids.length; k++) {
      const to = log.names[log.to[k]];
      if (local.has(to)) add(out, to, target.stream(to, { kind: 'idle' }), entryOf(log, k, false));
    }
  }
  return out;
}

function toGroup(groupId: string, members: readonly string[], target: Target, logs: readonly SentLog[]): ExpectedStream[] {
  const entries: SentEntry[] = [];
  for (const log of logs) for (let k = 0; k < log.ids.length; k++) entries.push(entryOf(log, k, true));
  return members.map((m) => ({ device: m, stream: target.stream(m, { kind: 'group', groupId }), entries, startAfter: 0 }));
}

/** Every audience device gets every message; on Parley as a live-only entry (SEQ 0, never stored). */
function toAudience(groupId: string, audience: readonly string[], target: Target, kind: TargetKind, logs: readonly SentLog[]): ExpectedStream[] {
  const entries: SentEntry[] = [];
  for (const log of logs) {
    for (let k = 0; k < log.ids.length; k++) {
      const e = entryOf(log, k, true);
      entries.push(kind === 'parley' ? { ...e, live: true } : e);
    }
  }
  return audience.map((m) => ({ device: m, stream: target.stream(m, { kind: 'audience', groupId }), entries }));
}

/** Fresh Parley inboxes start at SEQ 1; without SEQs (bare) there is nothing to anchor. */
function anchored(streams: Iterable<ExpectedStream>, kind: TargetKind): ExpectedStream[] {
  return [...streams].map((s) => (kind === 'parley' ? { ...s, startAfter: 0 } : { ...s, startAfter: undefined }));
}

function inboxesOf(users: readonly string[], kind: TargetKind): ExpectedStream[] {
  return kind === 'parley' ? users.map((u) => ({ device: u, stream: `u:${u}`, entries: [], startAfter: 0 })) : [];
}

export function expectedStreams(spec: SessionSpec, target: Target, kind: TargetKind, logs: readonly SentLog[]): ExpectedStream[] {
  switch (spec.kind) {
    case 'c2c':
      return anchored(pairwise(spec, target, kind, logs).values(), kind);
    case 'rest-c2c':
      return anchored(toDirect(spec.receivers, target, logs).values(), kind);
    case 'group':
      return anchored([...toGroup(spec.groupId, spec.online, target, logs), ...inboxesOf(spec.online, kind)], kind);
    case 'audience':
      // Anchored at 0 like every Parley stream: a stored entry on the live stream would show as a gap.
      return anchored([...toAudience(spec.groupId, spec.audience, target, kind, logs), ...inboxesOf(spec.audience, kind)], kind);
    case 'rest-group':
      return anchored([...toGroup(spec.groupId, spec.receivers, target, logs), ...inboxesOf(spec.receivers, kind)], kind);
    case 'idle':
      return [];
  }
}
