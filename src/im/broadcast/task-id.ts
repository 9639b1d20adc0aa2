/**
 * Tencent's im_push `TaskId` (spec §3.7: `1400123456_144115212910570789_4155518400_15723514`, four
 * numbers joined by `_`). Parley's are `<SDKAppID>_<SEQ in b:all>_<MsgRandom>_<Unix seconds>`, so
 * the task's push is found from its id alone.
 */

export function taskIdOf(sdkAppId: number, seq: number, random: number, time: number): string {
  return `${sdkAppId}_${seq}_${random}_${Math.floor(time / 1000)}`;
}

/** The SEQ in `b:all` a TaskId names, or undefined when it is not one of this app's. */
export function seqOfTaskId(sdkAppId: number, taskId: string): number | undefined {
  const parts = taskId.split('_');
  if (parts.length !== 4 || parts[0] !== String(sdkAppId) || !parts.every((p) => /^\d{1,15}$/.test(p))) return undefined;
  const seq = Number(parts[1]);
  return seq >= 1 ? seq : undefined;
}
