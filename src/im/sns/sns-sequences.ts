/**
 * The sequences of a user's relationship data (spec §3.4, §6.3), which let clients skip data they
 * already hold: StandardSequence (friends' standard fields) and CustomSequence (their
 * Tag_SNS_Custom_* fields) in friend_get, CurrentSequence in the friend-group commands, and
 * CurruentSequence (sic, on the wire) in black_list_get. Each is per user, starts at 0 and only grows:
 * +1 for every request that changes its part, however many entries it changes.
 */

export interface SnsSequences {
  readonly standard: number;
  readonly custom: number;
  readonly groups: number;
  readonly blacklist: number;
}
export const INITIAL_SEQUENCES: SnsSequences = { standard: 0, custom: 0, groups: 0, blacklist: 0 };

/**
 * What a request changed for the user:
 *  - `friendList`: a friend added or removed (friend_add, a response, friend_delete, friend_import, a
 *    blacklisting that ended a friendship) — both friend parts, since the list they describe changed;
 *  - `friendStandard` / `friendCustom`: a friend's standard (Remark, Group…) / custom fields;
 *  - `groups`: friend groups created or deleted, or their members changed (which also changes the
 *    friends' Tag_SNS_IM_Group, so such a request reports `friendStandard` too);
 *  - `blacklist`: entries added or removed.
 */
export type SnsChange = 'friendList' | 'friendStandard' | 'friendCustom' | 'groups' | 'blacklist';

const PARTS: Record<SnsChange, readonly (keyof SnsSequences)[]> = {
  friendList: ['standard', 'custom'],
  friendStandard: ['standard'],
  friendCustom: ['custom'],
  groups: ['groups'],
  blacklist: ['blacklist'],
};

/** The sequences after one request that made `changes` (each part bumped once at most). */
export function bumpSequences(current: SnsSequences, changes: Iterable<SnsChange>): SnsSequences {
  const touched = new Set<keyof SnsSequences>();
  for (const c of changes) for (const p of PARTS[c]) touched.add(p);
  const next = { ...current };
  for (const p of touched) next[p] = current[p] + 1;
  return next;
}

/**
 * Which parts friend_get sends: a part is left out when the client gives that part's sequence, it is
 * not 0 (a client that holds nothing), and it equals the server's.
 */
export function friendGetParts(client: { readonly standard?: number; readonly custom?: number }, server: SnsSequences): { standard: boolean; custom: boolean } {
  const fresh = (mine: number | undefined, theirs: number): boolean => mine !== undefined && mine !== 0 && mine === theirs;
  return { standard: !fresh(client.standard, server.standard), custom: !fresh(client.custom, server.custom) };
}
