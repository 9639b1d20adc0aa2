/**
 * Tencent's `OfflinePushInfo` (spec §4.4) as a request field: an object with the push flag, title,
 * text, pass-through payload and the Android / APNs specifics. Anything else is refused with the
 * service's code (90043 on openim, 10004 on groups). Unknown keys inside are kept: Tencent adds
 * vendor fields over time.
 */
import { z } from 'zod';
import type { ErrorName } from '../protocol/errors.ts';

export function offlinePushInfo(err: ErrorName) {
  const s = z.string({ error: err });
  const n = z.number({ error: err }).int({ error: err });
  return z.looseObject(
    {
      PushFlag: z.union([z.literal(0), z.literal(1)], { error: err }).optional(),
      Title: s.optional(),
      Desc: s.optional(),
      Ext: s.optional(),
      AndroidInfo: z.looseObject({ Sound: s.optional(), VIVOClassification: n.optional(), HuaWeiImportance: s.optional() }, { error: err }).optional(),
      ApnsInfo: z
        .looseObject({ Sound: s.optional(), BadgeMode: n.optional(), Title: s.optional(), SubTitle: s.optional(), Image: s.optional(), MutableContent: n.optional() }, { error: err })
        .optional(),
    },
    { error: err },
  );
}
