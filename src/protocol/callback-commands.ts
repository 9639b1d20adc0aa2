/**
 * The Tencent callback commands Parley sends (spec §7.3): the before-callbacks it asks for a decision
 * and the after-callbacks it reports from the event stream. Config validates
 * `PARLEY_CALLBACK_COMMANDS` against this list.
 */

export const BEFORE_COMMANDS = [
  'C2C.CallbackBeforeSendMsg',
  'Group.CallbackBeforeSendMsg',
  'Group.CallbackBeforeCreateGroup',
  'Group.CallbackBeforeInviteJoinGroup',
  'Group.CallbackBeforeApplyJoinGroup',
  'Sns.CallbackPrevFriendAdd',
  'Sns.CallbackPrevFriendResponse',
] as const;

export const AFTER_COMMANDS = [
  'C2C.CallbackAfterSendMsg',
  'C2C.CallbackAfterMsgWithDraw',
  'C2C.CallbackAfterMsgReport',
  'Group.CallbackAfterSendMsg',
  'Group.CallbackAfterCreateGroup',
  'Group.CallbackAfterNewMemberJoin',
  'Group.CallbackAfterMemberExit',
  'Group.CallbackAfterGroupInfoChanged',
  'Group.CallbackAfterGroupDestroyed',
  'Group.CallbackAfterRecallMsg',
  'Group.CallbackOnMemberStateChange',
  'Group.CallbackSendMsgException',
  'Group.CallbackAfterGroupFull',
  'Group.CallbackAfterReadReceipt',
  'State.StateChange',
  'Profile.CallbackPortraitSet',
  'Sns.CallbackFriendAdd',
  'Sns.CallbackFriendDelete',
  'Sns.CallbackBlackListAdd',
  'Sns.CallbackBlackListDelete',
] as const;

export const CALLBACK_COMMANDS: readonly string[] = [...BEFORE_COMMANDS, ...AFTER_COMMANDS];

export type BeforeCommand = (typeof BEFORE_COMMANDS)[number];
export type AfterCommand = (typeof AFTER_COMMANDS)[number];
export type CallbackCommand = BeforeCommand | AfterCommand;

