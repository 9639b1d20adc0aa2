/**
 * The shards an all-member push's offline walk is split into, so every node drains a share
 * (issue 17): a user's shard is a hash of their id, fixed for good — the Cassandra audience indexes
 * store each tag's and attribute value's users in one partition per shard. The users with devices
 * are split by the store's own order instead (Cassandra: token ranges); either way a shard's pages
 * hold only its users, and the shards together hold everyone once.
 */
export const PUSH_SHARDS = 16;

/** FNV-1a over the id's UTF-16 code units, modulo PUSH_SHARDS. */
export function shardOf(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % PUSH_SHARDS;
}

/** The progress row of one shard of a task's offline walk (PushTargetStore.putTaskProgress). */
export const shardKey = (taskId: string, shard: number): string => `${taskId}#${shard}`;
