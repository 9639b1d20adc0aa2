/**
 * `npm run bench:broadcast -- [--users=1000000] [--online=20000] [--tag-every=10] [--workers=2] [--out=file.json]`:
 * all-member push at scale (issue 17). Imports `users` accounts in bulk (multiaccount_import, 100 a
 * call), tags every `tag-every`-th of them, logs `online` of them in over real SDK clients (split
 * over the load workers; one in `tag-every` of them tagged), then sends one im_push to everyone and
 * one to the tag. For each push: how many online targets received it, the time until 99 % of them
 * had it (the 99th percentile of delivery latency, from the REST call on), the server's CPU over
 * the push (% of one core) and its RSS. The tag push is matched against the online users only, so
 * its cost does not grow with the registered users (no scan of them per push).
 * On SQLite, or on Cassandra when CASSANDRA_CONTACT_POINTS is set.
 */
import { writeFileSync } from 'node:fs';
import { Histogram, type LatencySummary } from '../lib/histogram.ts';
import { encodePayload, nowMs } from '../lib/payload.ts';
import { CpuWindow, rssBytes } from '../lib/proc-stats.ts';
import { customBody } from '../driver/targets.ts';
import { WorkerPool } from '../driver/worker-pool.ts';
import { RestClient } from '../servers/rest-client.ts';
import { ServerProcess } from '../servers/server-process.ts';

const IMPORT_BATCH = 100;
const TAG_BATCH = 100;
const REST_CONCURRENCY = 16;

function arg(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
}

const outFile = process.argv.find((x) => x.startsWith('--out='))?.slice(6);

interface PushResult {
  readonly push: string;
  readonly targets: number;
  readonly received: number;
  readonly latency: LatencySummary;
  /** Time until 99 % of the online targets had it, ms (undefined when fewer received it). */
  readonly to99Ms: number | undefined;
  readonly serverCpuPercent: number;
  readonly serverRssBytes: number;
  readonly taskState: unknown;
}

/** Runs `calls` REST calls, `REST_CONCURRENCY` at a time; any Tencent error fails the run. */
async function restAll(rest: RestClient, calls: readonly (readonly [string, unknown])[], what: string): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < calls.length) {
      const [path, body] = calls[next++];
      const r = await rest.call(path, body);
      if (r.ErrorCode !== 0) throw new Error(`${what}: ${path} answered ${r.ErrorCode} ${r.ErrorInfo}`);
    }
  };
  await Promise.all(Array.from({ length: REST_CONCURRENCY }, lane));
  return performance.now() - t0;
}

const userId = (i: number): string => `bc${i}`;

async function main(): Promise<void> {
  const users = arg('users', 1_000_000);
  const online = Math.min(arg('online', 20_000), users);
  const tagEvery = arg('tag-every', 10);
  const pool = new WorkerPool(arg('workers', 2));
  const server = await ServerProcess.start({ kind: 'parley', env: { PARLEY_PUSH_GAP_MS: '1' } });
  const rest = new RestClient(server.url, server.identity, REST_CONCURRENCY);
  try {
    const imports = Array.from({ length: Math.ceil(users / IMPORT_BATCH) }, (_, b) => ['im_open_login_svc/multiaccount_import', { Accounts: Array.from({ length: Math.min(IMPORT_BATCH, users - b * IMPORT_BATCH) }, (_, k) => userId(b * IMPORT_BATCH + k)) }] as const);
    const importMs = await restAll(rest, imports, 'import');
    process.stdout.write(`imported ${users} accounts in ${(importMs / 1000).toFixed(1)} s (${Math.round(users / (importMs / 1000))}/s)\n`);
    const tagged = Array.from({ length: Math.floor(users / tagEvery) }, (_, k) => userId(k * tagEvery));
    const tags = Array.from({ length: Math.ceil(tagged.length / TAG_BATCH) }, (_, b) => ['all_member_push/im_add_tag', { UserTags: tagged.slice(b * TAG_BATCH, (b + 1) * TAG_BATCH).map((u) => ({ To_Account: u, Tags: ['promo'] })) }] as const);
    const tagMs = await restAll(rest, tags, 'tag');
    process.stdout.write(`tagged ${tagged.length} accounts in ${(tagMs / 1000).toFixed(1)} s\n`);

    // Online users spread over the registered ones; one in `tagEvery` of them holds the tag.
    const stride = Math.max(1, Math.floor(users / online));
    const onlineIds = Array.from({ length: online }, (_, k) => k * stride + (k % tagEvery === 0 || stride === 1 ? 0 : 1));
    const onlineTagged = onlineIds.filter((i) => i % tagEvery === 0).length;
    const workers = pool.workers.length;
    const spec = { kind: 'parley' as const, endpoint: server.url, identity: server.identity, payloadBytes: 64 };
    const t0 = performance.now();
    const opened = await pool.all<'open'>((w) => ({
      op: 'open',
      target: spec,
      session: { kind: 'idle', users: onlineIds.filter((_, k) => k % workers === w.index).map(userId), concurrency: 50 },
    }));
    const connected = opened.reduce((a, o) => a + o.clients, 0);
    const failures = opened.reduce((a, o) => a + o.failures, 0);
    const firstError = opened.find((o) => o.firstError)?.firstError;
    process.stdout.write(`${connected} of ${online} online in ${((performance.now() - t0) / 1000).toFixed(1)} s (${failures} failed${firstError ? `, first: ${firstError}` : ''})\n`);
    await new Promise((r) => setTimeout(r, 3000));

    const results: PushResult[] = [];
    for (const [index, name, condition] of [
      [1, 'everyone', undefined],
      [2, 'tag promo', { TagsOr: ['promo'] }],
    ] as const) {
      const cpu = new CpuWindow(new Map([['server', server.pid]]));
      const sentAt = nowMs();
      const r = await rest.call('all_member_push/im_push', { MsgRandom: index, MsgBody: customBody(encodePayload({ step: 1000 + index, id: index, sentAt }, 64)), ...(condition ? { Condition: condition } : {}) });
      if (r.ErrorCode !== 0) throw new Error(`im_push: ${r.ErrorCode} ${r.ErrorInfo}`);
      const reports = await pool.all<'step'>(() => ({ op: 'step', step: { index: 1000 + index, rate: 0, durationMs: 1000, drainTimeoutMs: 60_000 } }));
      const serverCpuPercent = cpu.read().server;
      const latency = new Histogram();
      for (const rep of reports) latency.merge(rep.delivery);
      const task = await rest.call('all_member_push/im_get_push_task', { TaskId: r.TaskId });
      // The online targets as the server counted them (the users who got connected and match).
      const targets = typeof task.DeliveredOnlineNum === 'number' ? task.DeliveredOnlineNum : name === 'everyone' ? connected : onlineTagged;
      const received = latency.count;
      results.push({
        push: name,
        targets,
        received,
        latency: latency.summary(),
        to99Ms: received >= targets * 0.99 ? latency.quantile((targets * 0.99) / received) : undefined,
        serverCpuPercent,
        serverRssBytes: rssBytes(server.pid),
        taskState: task,
      });
      const last = results.at(-1)!;
      process.stdout.write(`push to ${name}: ${received}/${targets} received, 99 % within ${last.to99Ms?.toFixed(0) ?? '—'} ms, p50 ${last.latency.p50.toFixed(0)} ms, server CPU ${serverCpuPercent.toFixed(0)} % over the push, RSS ${(last.serverRssBytes / 2 ** 20).toFixed(0)} MiB\n`);
    }
    await pool.all<'close'>(() => ({ op: 'close' }));
    const report = { at: new Date().toISOString(), store: process.env.CASSANDRA_CONTACT_POINTS ? 'cassandra' : 'sqlite', users, online, connected, loginFailures: failures, firstLoginError: firstError, tagEvery, importMs, tagMs, results };
    if (outFile) writeFileSync(outFile, JSON.stringify(report, null, 2));
    if (failures > 0) process.stdout.write(`server log tail:\n${server.output.split('\n').slice(-15).join('\n')}\n`);
  } finally {
    rest.close();
    pool.stop();
    await server.stop();
  }
}

await main();
