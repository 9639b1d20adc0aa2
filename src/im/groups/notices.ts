/** Membership notices to members' inboxes (joined, left): best effort, after the change is stored. */
import type { ImContext } from '../context.ts';
import type { InboxNotice } from '../../protocol/entries.ts';

export async function notifyInboxes(im: ImContext, userIds: readonly string[], notice: Omit<InboxNotice, 'kind'>): Promise<void> {
  const full: InboxNotice = { kind: 'notice', ...notice };
  await Promise.all(
    userIds.map((u) =>
      im.actors
        .inbox(u)
        .call({ op: 'appendNotice', notice: full })
        .catch((e: unknown) => im.log.warn({ err: e, userId: u, notice: full.notice, groupId: full.groupId }, 'membership notice not delivered')),
    ),
  );
}
