/** `v4/group_open_http_svc/*` commands for AVChatRooms only (spec §3.6): get_online_member_num. */
import { z } from 'zod';
import { onlineMembersCommand } from '../../im/groups/online-members.ts';
import { type Endpoint, endpoint } from '../endpoint.ts';
import { nonEmpty } from '../wire.ts';

export const groupAvChatRoomEndpoints: readonly Endpoint[] = [
  endpoint({
    command: 'get_online_member_num',
    runs: onlineMembersCommand,
    request: z.object({ GroupId: nonEmpty('GroupInvalidParam') }),
    input: (r) => ({ groupId: r.GroupId }),
    reply: (out) => ({ OnlineMemberNum: out.count }),
  }),
];
