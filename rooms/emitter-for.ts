/** Builds the event emitter of an actor's stream from the room deps. */
import type { ImContext } from '../src/im/context.ts';
import { StreamEmitter } from './stream-emitter.ts';

export function emitterFor(im: ImContext, streamId: string, groupType?: string): StreamEmitter {
  return new StreamEmitter({
    streamId,
    log: im.store.messages,
    bus: im.events,
    groupType,
    logger: im.log,
    // The crash this simulates is SIGKILL: nothing after the commit runs, not even exit handlers.
    beforePublish: im.faults?.has('exit-before-emit') ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  });
}
