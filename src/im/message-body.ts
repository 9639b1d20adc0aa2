/**
 * MsgBody rules (spec §4.1, §4.5): a non-empty array of known element types with their required
 * fields, at most one TIMCustomElem, and the whole content (body + CloudCustomData) within the
 * size limit. Shared by C2C and group sends, REST and client.
 */
import { z } from 'zod';
import { type ErrorName, imError } from '../protocol/errors.ts';
import type { MsgElem } from '../protocol/entries.ts';
import type { ImContext, Moderation } from './context.ts';

const flag2 = z.literal(2);

/** Content schema per MsgType. A Map: names come off the wire, and `__proto__` must not find anything. */
const CONTENT: ReadonlyMap<string, z.ZodType> = new Map(Object.entries({
  TIMTextElem: z.looseObject({ Text: z.string() }),
  TIMLocationElem: z.looseObject({ Desc: z.string(), Latitude: z.number(), Longitude: z.number() }),
  TIMFaceElem: z.looseObject({ Index: z.number().int(), Data: z.string().optional() }),
  TIMCustomElem: z.looseObject({
    Data: z.string().optional(),
    Desc: z.string().optional(),
    Ext: z.string().optional(),
    Sound: z.string().optional(),
  }),
  TIMSoundElem: z.looseObject({ Url: z.string(), UUID: z.string(), Size: z.number().optional(), Second: z.number().optional(), Download_Flag: flag2 }),
  TIMImageElem: z.looseObject({
    UUID: z.string(),
    ImageFormat: z.number().int(),
    ImageInfoArray: z
      .array(z.looseObject({ Type: z.number().int(), Size: z.number().optional(), Width: z.number(), Height: z.number(), URL: z.string() }))
      .min(1),
  }),
  TIMFileElem: z.looseObject({ Url: z.string(), UUID: z.string(), FileSize: z.number().optional(), FileName: z.string().optional(), Download_Flag: flag2 }),
  TIMVideoFileElem: z.looseObject({
    VideoUrl: z.string(),
    VideoUUID: z.string(),
    VideoDownloadFlag: flag2,
    ThumbUrl: z.string(),
    ThumbUUID: z.string(),
    ThumbDownloadFlag: flag2,
  }),
  TIMRelayElem: z.looseObject({
    MsgNum: z.number().int(),
    Title: z.string().optional(),
    CompatibleText: z.string().optional(),
    AbstractList: z.array(z.string()).optional(),
    MsgList: z.array(z.unknown()).optional(),
    JsonMsgKey: z.string().optional(),
  }),
}));

export interface BodyErrors {
  /** Not an array, or empty. */
  readonly notArray: ErrorName;
  /** An element without MsgType/MsgContent, or missing a required field of its type. */
  readonly invalid: ErrorName;
  /** An element of a type Tencent does not define (spec §4.1: "unknown format → 90010"). */
  readonly unknownType: ErrorName;
  /** Content over the size limit. */
  readonly tooLong: ErrorName;
}

export const C2C_BODY_ERRORS: BodyErrors = { notArray: 'MsgBodyNotArray', invalid: 'MsgBodyInvalid', unknownType: 'C2CInvalidParam', tooLong: 'MsgTooLong' };
export const GROUP_BODY_ERRORS: BodyErrors = { notArray: 'GroupInvalidParam', invalid: 'GroupInvalidParam', unknownType: 'GroupInvalidParam', tooLong: 'MsgTooLong' };

/**
 * The text of a checked body screened by the dirty-word filter: refused with 80001, or returned
 * with each word masked by `*`, as the app chose. TIMTextElem texts are screened.
 */
export function screenBody(body: MsgElem[], words: Moderation['words']): MsgElem[] {
  if (!words) return body;
  const isText = (e: MsgElem) => e.MsgType === 'TIMTextElem' && typeof e.MsgContent.Text === 'string';
  const hit = body.some((e) => isText(e) && words.filter.test(e.MsgContent.Text as string));
  if (!hit) return body;
  if (words.action === 'reject') throw imError('DirtyWords', {});
  return body.map((e) => (isText(e) ? { ...e, MsgContent: { ...e.MsgContent, Text: words.filter.mask(e.MsgContent.Text as string) } } : e));
}

/** Checks a MsgBody and returns it typed; throws the catalogue error chosen by `errs`. */
export function checkMsgBody(body: unknown, cloudCustomData: string | undefined, maxBytes: number, errs: BodyErrors): MsgElem[] {
  if (!Array.isArray(body) || body.length === 0) throw imError(errs.notArray, { detail: 'MsgBody must be a non-empty array' });
  let customs = 0;
  body.forEach((el: unknown, i) => {
    const e = el as Partial<MsgElem> | null;
    if (typeof e !== 'object' || e === null || typeof e.MsgType !== 'string' || typeof e.MsgContent !== 'object' || e.MsgContent === null) {
      throw imError(errs.invalid, { detail: `MsgBody[${i}] needs a string MsgType and an object MsgContent` });
    }
    const schema = CONTENT.get(e.MsgType);
    if (!schema) throw imError(errs.unknownType, { detail: `MsgBody[${i}]: unknown MsgType ${JSON.stringify(e.MsgType)}` });
    const r = schema.safeParse(e.MsgContent);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw imError(errs.invalid, { detail: `MsgBody[${i}] ${e.MsgType}.${issue.path.join('.')}: ${issue.message}` });
    }
    if (e.MsgType === 'TIMCustomElem' && ++customs > 1) {
      throw imError(errs.invalid, { detail: 'a message may hold at most one TIMCustomElem' });
    }
  });
  const size = Buffer.byteLength(JSON.stringify(body)) + (cloudCustomData ? Buffer.byteLength(cloudCustomData) : 0);
  if (size > maxBytes) throw imError(errs.tooLong, { size, max: maxBytes });
  return body as MsgElem[];
}

/** A send's content as the app accepts it: the body checked (`errs` names the codes), then screened for dirty words. */
export function checkContent(ctx: ImContext, body: unknown, cloudCustomData: string | undefined, errs: BodyErrors): MsgElem[] {
  return screenBody(checkMsgBody(body, cloudCustomData, ctx.limits.maxMsgBytes, errs), ctx.moderation.words);
}
