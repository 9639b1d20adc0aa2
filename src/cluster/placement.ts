/**
 * Deterministic placement: a room id goes to the live node with the highest rendezvous hash of
 * (node, room id). Every node computes the same answer, so concurrent first activations of one
 * actor mostly race on one node, and a dead node's actors spread evenly over the survivors.
 */
import { createHash } from 'node:crypto';

function score(node: string, roomId: string): bigint {
  return createHash('sha1').update(node).update('\0').update(roomId).digest().readBigUInt64BE(0);
}

export function placeRoom(roomId: string, liveNodes: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1n;
  for (const node of liveNodes) {
    const s = score(node, roomId);
    if (s > bestScore) {
      best = node;
      bestScore = s;
    }
  }
  return best;
}
