import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { nonEmpty, renamed } from '../../src/api/wire.ts';
import { decode as decodeRequest } from '../../src/protocol/decode.ts';

describe('REST request decoding', () => {
  const schema = renamed({ Operator_Account: 'From_Account' }, z.object({ Operator_Account: nonEmpty('C2CInvalidParam') }));

  it('reads a field under its older Tencent name when the current one is absent', () => {
    expect(decodeRequest(schema, { From_Account: 'a' }, 'C2CInvalidParam')).toEqual({ Operator_Account: 'a' });
  });

  it('prefers the current name when both are sent', () => {
    expect(decodeRequest(schema, { Operator_Account: 'new', From_Account: 'old' }, 'C2CInvalidParam')).toEqual({ Operator_Account: 'new' });
  });

  it('still refuses a body with neither name with the field’s code', () => {
    expect(() => decodeRequest(schema, {}, 'C2CInvalidParam')).toThrow(expect.objectContaining({ code: 90010 }));
  });
});
