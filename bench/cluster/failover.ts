/**
 * The failover scenario of `npm run bench:cluster`: REST group sends through the survivors of a
 * 3-node cluster while the node hosting a third of the groups is killed with SIGKILL. Reports how
 * long the killed node's groups could not be written (from the kill to the first acknowledged send
 * to each), send latency outside that window, and integrity: every acknowledged message stored once,
 * every group's SEQs gap-free.
 */
import { placeRoom } from '../../src/cluster/placement.ts';
import { groupRoomId } from '../../src/cluster/room-ids.ts';
import { RestClient } from '../servers/rest-client.ts';
import type { AppIdentity } from '../servers/server-process.ts';

export interface FailoverNode {
  readonly url: string;
  /** Kills the node's process with SIGKILL. */
  kill(): void;
}

export interface FailoverResult {
  readonly groups: number;
  readonly groupsOnKilledNode: number;
  readonly sends: number;
  readonly failedSends: number;
  /** From the kill to the first acknowledged send, per group of the killed node: the longest, and the median. */
  readonly unavailableMaxMs: number;
  readonly unavailableP50Ms: number;
  /** Latency of sends started outside the unavailability window (before the kill, or after every group was back). */
  readonly latency: { readonly n: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly lostAcknowledged: number;
  readonly duplicates: number;
  readonly seqGaps: number;
}

interface Send {
  readonly group: string;
  readonly random: number;
  readonly startedAt: number;
  readonly ms: number;
  readonly ok: boolean;
}

const GROUPS = 30;
const WORKERS = 12;
const WARMUP_MS = 5000;
const AFTER_KILL_MS = 15_000;

const pct = (sorted: readonly number[], p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
const round = (x: number): number => Math.round(x * 10) / 10;

async function nodeIdOf(url: string): Promise<string> {
  return ((await (await fetch(`${url}/health`)).json()) as { node: string }).node;
}

/** Every stored message of a group, newest first, paged by group_msg_get_simple. */
async function historyOf(rest: RestClient, groupId: string): Promise<{ seq: number; random: number }[]> {
  const out: { seq: number; random: number }[] = [];
  for (let upTo: number | undefined; ; ) {
    const page = await rest.call('group_open_http_svc/group_msg_get_simple', { GroupId: groupId, ReqMsgNumber: 20, ...(upTo ? { ReqMsgSeq: upTo } : {}) });
    const list = (page.RspMsgList ?? []) as { MsgSeq: number; MsgRandom: number }[];
    out.push(...list.map((m) => ({ seq: m.MsgSeq, random: m.MsgRandom })));
    const lowest = list.length > 0 ? list[list.length - 1].MsgSeq : 1;
    if (list.length === 0 || lowest <= 1) return out;
    upTo = lowest - 1;
  }
}

export async function failover(nodes: readonly FailoverNode[], identity: AppIdentity): Promise<FailoverResult> {
  const ids = await Promise.all(nodes.map((n) => nodeIdOf(n.url)));
  const victim = 1;
  const survivors = nodes.filter((_, i) => i !== victim).map((n) => new RestClient(n.url, identity, 8));
  const admin = survivors[0];
  await admin.call('im_open_login_svc/account_import', { UserID: 'failover-sender' });
  const groups = Array.from({ length: GROUPS }, (_, i) => `failover-${i}`);
  for (const g of groups) await admin.call('group_open_http_svc/create_group', { Owner_Account: 'failover-sender', Type: 'Public', GroupId: g, Name: g });
  const onVictim = new Set(groups.filter((g) => placeRoom(groupRoomId(g), ids) === ids[victim]));

  const sends: Send[] = [];
  const t0 = performance.now();
  const killAt = t0 + WARMUP_MS;
  const until = killAt + AFTER_KILL_MS;
  let killed = false;
  let random = 1;
  const worker = async (w: number): Promise<void> => {
    for (let k = w; performance.now() < until; k++) {
      if (!killed && performance.now() >= killAt) {
        killed = true;
        nodes[victim].kill();
      }
      const group = groups[k % groups.length];
      const r = random++;
      const startedAt = performance.now();
      const answer = await survivors[k % survivors.length].call('group_open_http_svc/send_group_msg', { GroupId: group, From_Account: 'failover-sender', Random: r, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `f${r}` } }] }).catch(() => ({ ErrorCode: -1 }));
      sends.push({ group, random: r, startedAt, ms: performance.now() - startedAt, ok: answer.ErrorCode === 0 });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

  const back = [...onVictim].map((g) => {
    const first = sends.filter((s) => s.group === g && s.ok && s.startedAt >= killAt).sort((a, b) => a.startedAt + a.ms - (b.startedAt + b.ms))[0];
    return first ? first.startedAt + first.ms - killAt : AFTER_KILL_MS;
  }).sort((a, b) => a - b);
  const windowEnd = killAt + (back[back.length - 1] ?? 0);
  const outside = sends.filter((s) => s.ok && (s.startedAt + s.ms < killAt || s.startedAt > windowEnd)).map((s) => s.ms).sort((a, b) => a - b);

  let lost = 0;
  let duplicates = 0;
  let gaps = 0;
  for (const g of groups) {
    const history = await historyOf(admin, g);
    const seqs = history.map((h) => h.seq).sort((a, b) => a - b);
    seqs.forEach((s, i) => {
      if (s !== i + 1) gaps++;
    });
    const randoms = history.map((h) => h.random);
    duplicates += randoms.length - new Set(randoms).size;
    const stored = new Set(randoms);
    lost += sends.filter((s) => s.group === g && s.ok && !stored.has(s.random)).length;
  }
  for (const c of survivors) c.close();
  return {
    groups: groups.length,
    groupsOnKilledNode: onVictim.size,
    sends: sends.length,
    failedSends: sends.filter((s) => !s.ok).length,
    unavailableMaxMs: Math.round(back[back.length - 1] ?? 0),
    unavailableP50Ms: Math.round(pct(back, 50)),
    latency: { n: outside.length, p50: round(pct(outside, 50)), p99: round(pct(outside, 99)), max: round(outside[outside.length - 1] ?? 0) },
    lostAcknowledged: lost,
    duplicates,
    seqGaps: gaps,
  };
}
