/** Profile tag rules: standard and custom tags on portrait_set and portrait_get, with Tencent's 40xxx codes. */
import { describe, expect, it } from 'vitest';
import {
  STANDARD_PROFILE_TAGS,
  adminForbidsFriendRequests,
  allowTypeOf,
  checkPortraitSet,
  parseCustomProfileTags,
  profileItems,
  readPortrait,
  refusesMessages,
  resolveTagList,
  type ProfileAccessor,
  type ProfileValue,
} from '../../src/im/profiles/profile-tags.ts';

const refuses = (f: () => unknown, code: number) => expect(f).toThrow(expect.objectContaining({ code }));

const admin: ProfileAccessor = { kind: 'admin' };
const alice: ProfileAccessor = { kind: 'user', userId: 'alice' };
const bob: ProfileAccessor = { kind: 'user', userId: 'bob' };
const custom = parseCustomProfileTags('Hobby:string:10, Secret:rw=self, Vip:bytes:8:w=admin, Audit:r=admin:w=admin');

const set = (Tag: string, Value: unknown, writer: ProfileAccessor = alice) => checkPortraitSet([{ Tag, Value }], writer, custom);
const setOk = (Tag: string, Value: ProfileValue, writer: ProfileAccessor = alice) => expect(set(Tag, Value, writer)).toEqual(new Map([[Tag, Value]]));
const read = (values: Record<string, ProfileValue>, tags: unknown, reader: ProfileAccessor = bob) => readPortrait('alice', new Map(Object.entries(values)), tags, reader, custom);

const TAG = (name: string) => `Tag_Profile_IM_${name}`;
const STRING_TAGS = ['Nick', 'SelfSignature', 'Image'].map(TAG);
const UINT32_TAGS = ['BirthDay', 'Language', 'MsgSettings', 'Level', 'Role'].map(TAG);
const ENUMS = {
  [TAG('Gender')]: ['Gender_Type_Unknown', 'Gender_Type_Female', 'Gender_Type_Male'],
  [TAG('AllowType')]: ['AllowType_Type_NeedConfirm', 'AllowType_Type_AllowAny', 'AllowType_Type_DenyAny'],
  [TAG('AdminForbidType')]: ['AdminForbid_Type_None', 'AdminForbid_Type_SendOut'],
};

describe('the standard tag catalogue', () => {
  it('holds exactly Tencent’s twelve Tag_Profile_IM_* tags', () => {
    expect([...STANDARD_PROFILE_TAGS.keys()].sort()).toEqual([...STRING_TAGS, ...UINT32_TAGS, TAG('Location'), ...Object.keys(ENUMS)].sort());
  });
});

describe('portrait_set of standard tags', () => {
  it('takes strings of up to 500 bytes for Nick, SelfSignature and Image, counting UTF-8 bytes, the empty string included', () => {
    for (const tag of STRING_TAGS) {
      setOk(tag, 'x'.repeat(500));
      setOk(tag, '');
      setOk(tag, '好'.repeat(166) + 'xx'); // 500 bytes
      refuses(() => set(tag, 'x'.repeat(501)), 40601);
      refuses(() => set(tag, '好'.repeat(167)), 40601); // 501 bytes, 167 characters
    }
  });

  it('takes a Location of up to 16 bytes (40601 beyond)', () => {
    setOk(TAG('Location'), '0123456789abcdef');
    refuses(() => set(TAG('Location'), '0123456789abcdefg'), 40601);
    refuses(() => set(TAG('Location'), 'é'.repeat(9)), 40601);
  });

  it('refuses a number for a string tag (40610) and a lone surrogate (40605)', () => {
    for (const tag of [...STRING_TAGS, TAG('Location'), ...Object.keys(ENUMS)]) {
      refuses(() => set(tag, 1, admin), 40610);
      refuses(() => set(tag, null, admin), 40610);
      refuses(() => set(tag, ['a'], admin), 40610);
    }
    refuses(() => set(TAG('Nick'), 'a\ud800b'), 40605);
  });

  it('takes unsigned 32-bit integers for BirthDay, Language, MsgSettings, Level and Role', () => {
    for (const tag of UINT32_TAGS) {
      setOk(tag, 0);
      setOk(tag, 20190419);
      setOk(tag, 4294967295);
      refuses(() => set(tag, 4294967296), 40605);
      refuses(() => set(tag, -1), 40605);
      refuses(() => set(tag, 1.5), 40605);
      refuses(() => set(tag, '20190419'), 40610);
      refuses(() => set(tag, true), 40610);
      refuses(() => set(tag, null), 40610);
    }
  });

  it('takes only the enumerated values of Gender, AllowType and AdminForbidType (40605 otherwise)', () => {
    for (const [tag, values] of Object.entries(ENUMS)) {
      for (const v of values) setOk(tag, v, admin);
      refuses(() => set(tag, '', admin), 40605);
      refuses(() => set(tag, values[0].toLowerCase(), admin), 40605);
      refuses(() => set(tag, 'Gender_Type_Other', admin), 40605);
    }
  });

  it('lets a user set every standard tag of their own profile but AdminForbidType, which only the App admin sets (40008)', () => {
    setOk(TAG('AllowType'), 'AllowType_Type_DenyAny');
    setOk(TAG('Role'), 3);
    refuses(() => set(TAG('AdminForbidType'), 'AdminForbid_Type_None'), 40008);
    setOk(TAG('AdminForbidType'), 'AdminForbid_Type_SendOut', admin);
  });

  it('refuses a tag that does not exist (40009), case-sensitively', () => {
    refuses(() => set('Tag_Profile_IM_Nickname', 'x'), 40009);
    refuses(() => set('tag_profile_im_nick', 'x'), 40009);
    refuses(() => set('Nick', 'x'), 40009);
    refuses(() => set('__proto__', 'x'), 40009);
  });
});

describe('the shape of a portrait_set request', () => {
  it('returns all changes in request order', () => {
    const items = [{ Tag: TAG('Role'), Value: 1 }, { Tag: TAG('Nick'), Value: 'Al' }, { Tag: 'Tag_Profile_Custom_Hobby', Value: 'go' }];
    expect([...checkPortraitSet(items, alice, custom)]).toEqual([[TAG('Role'), 1], [TAG('Nick'), 'Al'], ['Tag_Profile_Custom_Hobby', 'go']]);
  });

  it('refuses an empty or missing ProfileItem, an entry without Tag or Value, and a tag given twice (40001)', () => {
    for (const items of [[], undefined, null, {}, 'x']) refuses(() => checkPortraitSet(items, alice, custom), 40001);
    for (const item of [{}, null, 'x', [TAG('Nick'), 'x'], { Tag: '', Value: 'x' }, { Tag: 7, Value: 'x' }, { Tag: TAG('Nick') }]) {
      refuses(() => checkPortraitSet([item], alice, custom), 40001);
    }
    const twice = [{ Tag: TAG('Nick'), Value: 'a' }, { Tag: TAG('Gender'), Value: 'Gender_Type_Male' }, { Tag: TAG('Nick'), Value: 'b' }];
    refuses(() => checkPortraitSet(twice, alice, custom), 40001);
  });

  it('is all or nothing: a bad last entry fails the whole request', () => {
    refuses(() => checkPortraitSet([{ Tag: TAG('Nick'), Value: 'ok' }, { Tag: TAG('Level'), Value: -3 }], alice, custom), 40605);
  });

  it('names the tag and the limit in ErrorInfo', () => {
    expect(() => set(TAG('Nick'), 'x'.repeat(501))).toThrow(expect.objectContaining({ info: 'the value of Tag_Profile_IM_Nick is 501 bytes, the limit is 500 bytes' }));
    expect(() => set(TAG('AdminForbidType'), 'AdminForbid_Type_None')).toThrow(expect.objectContaining({ info: 'tag Tag_Profile_IM_AdminForbidType may not be written by user alice' }));
  });
});

describe('custom tag declarations', () => {
  it('defaults to a string of up to 500 bytes, readable by anyone, written by its owner', () => {
    expect(parseCustomProfileTags('Hobby')).toEqual([
      { tag: 'Tag_Profile_Custom_Hobby', key: 'Hobby', type: 'string', declaredType: 'string', maxBytes: 500, default: '', read: 'anyone', write: 'self' },
    ]);
  });

  it('takes options in any order, the full tag name, and whitespace around parts', () => {
    expect(parseCustomProfileTags(' Tag_Profile_Custom_Vip : w=admin : 8 : bytes , Note:rw=self ')).toEqual([
      expect.objectContaining({ tag: 'Tag_Profile_Custom_Vip', declaredType: 'bytes', maxBytes: 8, read: 'anyone', write: 'admin' }),
      expect.objectContaining({ tag: 'Tag_Profile_Custom_Note', read: 'self', write: 'self' }),
    ]);
    expect(parseCustomProfileTags('A:r=admin:w=self')).toEqual([expect.objectContaining({ read: 'admin', write: 'self' })]);
    expect(parseCustomProfileTags('')).toEqual([]);
    expect(parseCustomProfileTags('   ')).toEqual([]);
  });

  it('refuses a bad declaration with an Error naming it', () => {
    const bad: [string, RegExp][] = [
      ['Hobby2', /"Hobby2".*1 to 8 letters/],
      ['Nickname1', /1 to 8 letters/],
      ['Abcdefghi', /1 to 8 letters/],
      ['Ho_by', /1 to 8 letters/],
      [':string', /1 to 8 letters/],
      ['Tag_Profile_Custom_', /1 to 8 letters/],
      ['Hobby:int', /unknown option "int"/],
      ['Hobby:0', /size must be 1 to 500/],
      ['Hobby:501', /size must be 1 to 500/],
      ['Hobby:10:20', /maxBytes is given twice/],
      ['Hobby:string:bytes', /declaredType is given twice/],
      ['Hobby:r=self:rw=self', /read is given twice/],
      ['Hobby:r=friends', /read level/],
      ['Hobby:w=anyone', /write level/],
      ['Hobby:rw=anyone', /write level/],
      ['Hobby:x=self', /unknown option/],
      ['Hobby,,Vip', /empty declaration/],
      ['Hobby,', /empty declaration/],
      ['Hobby, Tag_Profile_Custom_Hobby:8', /Hobby is declared twice/],
    ];
    for (const [spec, message] of bad) expect(() => parseCustomProfileTags(spec), spec).toThrow(message);
  });

  it('keeps a declared tag within its size and takes only strings (40601, 40610)', () => {
    setOk('Tag_Profile_Custom_Hobby', '0123456789');
    refuses(() => set('Tag_Profile_Custom_Hobby', '0123456789a'), 40601);
    refuses(() => set('Tag_Profile_Custom_Hobby', 5), 40610);
    setOk('Tag_Profile_Custom_Vip', 'gold', admin);
    refuses(() => set('Tag_Profile_Custom_Vip', 'platinum+', admin), 40601);
  });

  it('refuses an undeclared custom tag (40009)', () => {
    refuses(() => set('Tag_Profile_Custom_Pet', 'cat'), 40009);
    refuses(() => set('Tag_Profile_Custom_hobby', 'go'), 40009);
  });

  it('lets only the App admin write a w=admin tag (40008 for its owner)', () => {
    refuses(() => set('Tag_Profile_Custom_Vip', 'gold'), 40008);
    refuses(() => set('Tag_Profile_Custom_Audit', 'x'), 40008);
    setOk('Tag_Profile_Custom_Audit', 'x', admin);
  });
});

describe('portrait_get', () => {
  it('answers in request order and renders unset tags as Tencent’s defaults', () => {
    const tags = [TAG('Role'), TAG('Nick'), TAG('Gender'), TAG('AllowType'), TAG('AdminForbidType'), TAG('BirthDay'), 'Tag_Profile_Custom_Hobby', TAG('Location')];
    expect(read({ [TAG('Nick')]: 'Alice' }, tags)).toEqual([
      { Tag: TAG('Role'), Value: 0 },
      { Tag: TAG('Nick'), Value: 'Alice' },
      { Tag: TAG('Gender'), Value: 'Gender_Type_Unknown' },
      { Tag: TAG('AllowType'), Value: 'AllowType_Type_NeedConfirm' },
      { Tag: TAG('AdminForbidType'), Value: 'AdminForbid_Type_None' },
      { Tag: TAG('BirthDay'), Value: 0 },
      { Tag: 'Tag_Profile_Custom_Hobby', Value: '' },
      { Tag: TAG('Location'), Value: '' },
    ]);
  });

  it('gives each tag once when the TagList repeats it, at its first place', () => {
    expect(read({ [TAG('Level')]: 7 }, [TAG('Level'), TAG('Nick'), TAG('Level')])).toEqual([{ Tag: TAG('Level'), Value: 7 }, { Tag: TAG('Nick'), Value: '' }]);
  });

  it('refuses an unknown or undeclared tag (40009) and a TagList that is not a non-empty list of names (40001)', () => {
    refuses(() => read({}, [TAG('Nick'), TAG('Age')]), 40009);
    refuses(() => read({}, ['Tag_Profile_Custom_Pet']), 40009);
    for (const tags of [[], undefined, 'Tag_Profile_IM_Nick', [TAG('Nick'), 3]]) refuses(() => read({}, tags), 40001);
    refuses(() => resolveTagList([TAG('Nick'), 'Tag_SNS_IM_Remark'], custom), 40009);
  });

  it('lets every user read standard and r=anyone tags of anyone', () => {
    expect(read({ 'Tag_Profile_Custom_Hobby': 'go', [TAG('AllowType')]: 'AllowType_Type_AllowAny' }, ['Tag_Profile_Custom_Hobby', TAG('AllowType')], bob)).toEqual([
      { Tag: 'Tag_Profile_Custom_Hobby', Value: 'go' },
      { Tag: TAG('AllowType'), Value: 'AllowType_Type_AllowAny' },
    ]);
  });

  it('lets only the owner and the App admin read an r=self tag, and only the App admin an r=admin tag (40007)', () => {
    const values = { 'Tag_Profile_Custom_Secret': 's', 'Tag_Profile_Custom_Audit': 'a' };
    refuses(() => read(values, [TAG('Nick'), 'Tag_Profile_Custom_Secret'], bob), 40007);
    expect(read(values, ['Tag_Profile_Custom_Secret'], alice)).toEqual([{ Tag: 'Tag_Profile_Custom_Secret', Value: 's' }]);
    expect(read(values, ['Tag_Profile_Custom_Secret', 'Tag_Profile_Custom_Audit'], admin)).toHaveLength(2);
    refuses(() => read(values, ['Tag_Profile_Custom_Audit'], alice), 40007);
    expect(() => read(values, ['Tag_Profile_Custom_Secret'], bob)).toThrow(expect.objectContaining({ info: 'tag Tag_Profile_Custom_Secret may not be read by user bob' }));
  });

  it('reads back what portrait_set stored', () => {
    const changes = checkPortraitSet([{ Tag: TAG('Nick'), Value: 'A' }, { Tag: TAG('MsgSettings'), Value: 1 }], alice, custom);
    expect(readPortrait('alice', changes, [TAG('MsgSettings'), TAG('Nick')], bob, custom)).toEqual([{ Tag: TAG('MsgSettings'), Value: 1 }, { Tag: TAG('Nick'), Value: 'A' }]);
    expect(profileItems(changes)).toEqual([{ Tag: TAG('Nick'), Value: 'A' }, { Tag: TAG('MsgSettings'), Value: 1 }]);
  });
});

describe('what the rest of Parley reads from a profile', () => {
  const profile = (values: Record<string, ProfileValue>) => new Map(Object.entries(values));

  it('takes AllowType as set, NeedConfirm when unset', () => {
    expect(allowTypeOf(profile({}))).toBe('AllowType_Type_NeedConfirm');
    expect(allowTypeOf(profile({ [TAG('AllowType')]: 'AllowType_Type_DenyAny' }))).toBe('AllowType_Type_DenyAny');
    expect(allowTypeOf(profile({ [TAG('AllowType')]: 'AllowType_Type_AllowAny' }))).toBe('AllowType_Type_AllowAny');
  });

  it('knows when the App admin forbade friend requests', () => {
    expect(adminForbidsFriendRequests(profile({}))).toBe(false);
    expect(adminForbidsFriendRequests(profile({ [TAG('AdminForbidType')]: 'AdminForbid_Type_None' }))).toBe(false);
    expect(adminForbidsFriendRequests(profile({ [TAG('AdminForbidType')]: 'AdminForbid_Type_SendOut' }))).toBe(true);
  });

  it('refuses messages when bit 0 of MsgSettings is set, whatever the other bits', () => {
    expect(refusesMessages(profile({}))).toBe(false);
    expect(refusesMessages(profile({ [TAG('MsgSettings')]: 0 }))).toBe(false);
    expect(refusesMessages(profile({ [TAG('MsgSettings')]: 2 }))).toBe(false);
    expect(refusesMessages(profile({ [TAG('MsgSettings')]: 1 }))).toBe(true);
    expect(refusesMessages(profile({ [TAG('MsgSettings')]: 4294967295 }))).toBe(true);
  });
});
