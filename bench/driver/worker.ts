/**
 * A load worker: a child process of the bench orchestrator that runs clients (real SDK clients and
 * REST callers) for one scenario at a time, on requests received over IPC (see protocol.ts).
 * Started with the worker index as its only argument.
 */
import './node-websocket.ts';
import type { RequestEnvelope, ResponseEnvelope, WorkerRequest } from './protocol.ts';
import { Session } from './session.ts';
import { runSync } from './sync-run.ts';

const worker = Number(process.argv[2] ?? 0);
let session: Session | undefined;

function requireSession(): Session {
  if (!session) throw new Error('no session open');
  return session;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'open': {
      if (session) await session.close();
      const opened = await Session.open(worker, req.target, req.session);
      session = opened.session;
      return opened.result;
    }
    case 'step':
      return requireSession().step(req.step);
    case 'sentLog':
      return requireSession().sentLog();
    case 'integrity':
      return requireSession().integrity(req.logs);
    case 'close': {
      const closed = session ? await session.close() : 0;
      session = undefined;
      return { closed };
    }
    case 'sync':
      return runSync(req.target, req.sync);
    case 'rss':
      return { rssBytes: process.memoryUsage().rss };
  }
}

function reply(r: ResponseEnvelope): void {
  process.send?.(r);
}

process.on('message', (m: RequestEnvelope) => {
  handle(m.request).then(
    (result) => reply({ id: m.id, ok: true, result }),
    (e: unknown) => reply({ id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
// The orchestrator going away ends the worker.
process.on('disconnect', () => process.exit(0));
