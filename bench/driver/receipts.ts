/**
 * What the devices of one worker received: per (device, stream), SEQs and message ids in arrival
 * order, as compact parallel arrays (a fan-out step records millions of them).
 */
import type { MessageId, ObservedStream } from '../integrity.ts';

interface Columns {
  readonly device: string;
  readonly stream: string;
  readonly seqs: number[];
  readonly ids: (MessageId | undefined)[];
}

export class Receipts {
  /** Bounded by the devices and streams of one scenario. */
  readonly #streams = new Map<string, Map<string, Columns>>();

  record(device: string, stream: string, seq: number, id: MessageId | undefined): void {
    let byStream = this.#streams.get(device);
    if (!byStream) this.#streams.set(device, (byStream = new Map()));
    let c = byStream.get(stream);
    if (!c) byStream.set(stream, (c = { device, stream, seqs: [], ids: [] }));
    c.seqs.push(seq);
    c.ids.push(id);
  }

  observed(): ObservedStream[] {
    return [...this.#streams.values()].flatMap((m) => [...m.values()]);
  }
}
