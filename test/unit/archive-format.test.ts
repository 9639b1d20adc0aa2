import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../src/protocol/events.ts';
import { chatRecordFileText, chatRecordOf, formatExpireTime, formatMsgTime, headerLine, hourOf, parseMsgTime } from '../../src/events/archive/record-format.ts';
import { parsePartFileName, partFileName } from '../../src/events/archive/archive-dir.ts';

const body = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }];
const c2c = makeEvent('c2c.message', 'u:bob#7', 'u:bob', 1_449_000_123_456, {
  seq: 7,
  message: { kind: 'c2c', from: 'alice', to: 'bob', time: 1_449_000_123_456, msgKey: '5_9_1449000123', msgSeq: 5, random: 9, body, cloudCustomData: 'cc', flags: 0 },
});
const group = makeEvent('group.message', 'g:@TGS#1#3', 'g:@TGS#1', 1_449_000_123_999, {
  seq: 3,
  message: { kind: 'group', groupId: '@TGS#1', from: 'carol', time: 1_449_000_123_999, random: 4, body, priority: 'Normal', flags: 0 },
});

describe('chat-record format', () => {
  it('names hours as YYYYMMDDHH in UTC and reads them back', () => {
    expect(formatMsgTime(Date.UTC(2015, 11, 1, 21))).toBe('2015120121');
    expect(parseMsgTime('2015120121')).toBe(Date.UTC(2015, 11, 1, 21));
    expect(parseMsgTime('2024022923')).toBe(Date.UTC(2024, 1, 29, 23));
    expect(hourOf(Date.UTC(2015, 11, 1, 21, 59, 59, 999))).toBe(Date.UTC(2015, 11, 1, 21));
  });

  it('rejects MsgTimes that are not a real hour', () => {
    for (const bad of ['2015120124', '2015130121', '2015023012', '2023022910', '201512012', '20151201210', '2015-12-01', 'abcdefghij', '']) {
      expect({ bad, hour: parseMsgTime(bad) }).toEqual({ bad, hour: undefined });
    }
  });

  it('formats ExpireTime as YYYY-MM-DD HH:MM:SS in UTC', () => {
    expect(formatExpireTime(Date.UTC(2015, 11, 1, 21, 5, 9))).toBe('2015-12-01 21:05:09');
  });

  it('turns a C2C message event into a line with Tencent’s fields in Tencent’s order', () => {
    const r = chatRecordOf(c2c);
    expect(r).toMatchObject({ id: 'u:bob#7', chatType: 'C2C', time: 1_449_000_123_456 });
    expect(JSON.stringify(r?.line)).toBe(
      '{"From_Account":"alice","To_Account":"bob","MsgTimestamp":1449000123,"MsgSeq":5,"MsgRandom":9,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}],"CloudCustomData":"cc"}',
    );
  });

  it('turns a group message event into a line with the group SEQ as MsgSeq and an empty CloudCustomData when there is none', () => {
    expect(JSON.stringify(chatRecordOf(group)?.line)).toBe(
      '{"From_Account":"carol","GroupId":"@TGS#1","MsgTimestamp":1449000123,"MsgSeq":3,"MsgRandom":4,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}],"CloudCustomData":""}',
    );
  });

  it('ignores events that are not messages', () => {
    expect(chatRecordOf(makeEvent('account.imported', 'a#1', 'a', 1, { userIds: ['x'] }))).toBeUndefined();
  });

  it('lays a file out as a header line, one message per line separated by commas, and ]} — valid JSON as a whole', () => {
    const hour = Date.UTC(2015, 11, 1, 21);
    const lines = [chatRecordOf(c2c)?.line, chatRecordOf(c2c)?.line].filter((l) => l !== undefined);
    const text = chatRecordFileText(1400000001, 'C2C', hour, lines);
    const rows = text.split('\n');
    expect(rows[0]).toBe('{"SdkAppId":1400000001,"ChatType":"C2C","MsgTime":"2015120121","MsgList":[');
    expect(rows[0]).toBe(headerLine(1400000001, 'C2C', hour));
    expect(rows[1]).toBe(`${JSON.stringify(lines[0])},`);
    expect(rows[2]).toBe(JSON.stringify(lines[1]));
    expect(rows[3]).toBe(']}');
    expect(JSON.parse(text)).toMatchObject({ SdkAppId: 1400000001, ChatType: 'C2C', MsgTime: '2015120121', MsgList: lines });
  });

  it('names files by chat type, hour, node and part, and recognises only such names', () => {
    const key = { chatType: 'Group' as const, hour: Date.UTC(2015, 11, 1, 21), part: 2 };
    expect(partFileName(key, 'ab12cd34', 'json.gz')).toBe('Group-2015120121-ab12cd34-2.json.gz');
    expect(parsePartFileName('Group-2015120121-ab12cd34-2.json.gz')).toEqual({ key, node: 'ab12cd34', kind: 'json.gz' });
    for (const bad of ['../Group-2015120121-ab12cd34-2.json.gz', 'Group-2015120199-ab12cd34-2.json.gz', 'Chat-2015120121-ab12cd34-2.json.gz', 'Group-2015120121-AB-2.json.gz', 'node-id']) {
      expect(parsePartFileName(bad)).toBeUndefined();
    }
  });
});
