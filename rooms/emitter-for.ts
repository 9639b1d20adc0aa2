/** Builds the event emitter of an actor's stream from the room deps. */
import { StreamEmitter } from './stream-emitter.ts';
import type { RoomDeps } from './room-deps.ts';

/** The crashes these simulate are SIGKILL: nothing after the fault runs, not even exit handlers. */
const killHere = (): void => void process.kill(process.pid, 'SIGKILL');

export function emitterFor(deps: RoomDeps, streamId: string, groupType?: string): StreamEmitter {
  const faults = deps.im.faults;
  return new StreamEmitter({
    streamId,
    log: deps.im.store.messages,
    bus: deps.bus,
    groupType,
    logger: deps.im.log,
    beforePublish: faults?.has('exit-before-emit') ? killHere : undefined,
    beforePublishPending: faults?.has('exit-before-event') ? killHere : undefined,
  });
}
