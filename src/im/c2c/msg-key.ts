/** Tencent's C2C MsgKey, `{MsgSeq}_{MsgRandom}_{Unix seconds}` (`buildC2CMessage` makes it). */

/** The Unix second a MsgKey was made in, or undefined when it is not one. */
export function msgKeySecond(key: string): number | undefined {
  const m = /^\d{1,10}_\d{1,10}_(\d{1,12})$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
