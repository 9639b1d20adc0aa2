/** Domain vocabulary of groups shared by the commands, the actors and the store: the five types and the roles. */

/** Tencent's group types as REST names them (spec §5.1; Work and Meeting are accepted as aliases on input). */
export type GroupType = 'Private' | 'Public' | 'ChatRoom' | 'AVChatRoom' | 'Community';

export type MemberRole = 'Owner' | 'Admin' | 'Member';
