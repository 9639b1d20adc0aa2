/**
 * The client protocol's answers to requests it cannot serve: an unknown operation and inherited
 * property names get Tencent-style codes from the one op table, never a framework error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { OpTypes } from '../../src/protocol/client-ops.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { text } from '../helpers/wait.ts';

describe('client protocol: requests the server cannot serve', () => {
  let server: ParleyProcess;
  let alice: ParleyClient;

  beforeAll(async () => {
    server = await ParleyProcess.start();
    await server.importAccounts(['alice', 'bob', 'X\ufffd']);
    alice = await server.login('alice');
  });

  afterAll(async () => {
    await alice.close();
    await server.stop();
  });

  it('refuses an unknown operation with 60009, inherited names included, and keeps the session', async () => {
    for (const op of ['no.such.op', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      await expect(alice.call(op as keyof OpTypes, {} as never)).rejects.toMatchObject({ code: 60009 });
    }
    expect((await alice.sendC2C('bob', text('still here'))).msgKey).toEqual(expect.any(String));
  });

  it('refuses a message element whose MsgType is an inherited name with 90010, as REST does', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      await expect(alice.sendC2C('bob', [{ MsgType: name, MsgContent: { Text: 'x' } }])).rejects.toMatchObject({ code: 90010 });
    }
    expect(server.output).not.toMatch(/TypeError|is not a function/);
  });

  it('refuses a receiver id that is not well-formed UTF-16 instead of routing it to a look-alike', async () => {
    await expect(alice.sendC2C('X\ud800', text('for a lone surrogate'))).rejects.toMatchObject({ code: 70402 });
    await expect(alice.sendGroup('@TGS#\ud800', text('x'))).rejects.toMatchObject({ code: 10015 });
    const roam = await server.rest('openim/admin_getroammsg', { Operator_Account: 'X\ufffd', Peer_Account: 'alice', MaxCnt: 10, MinTime: 0, MaxTime: 4_000_000_000 });
    expect(roam).toMatchObject({ ErrorCode: 0, MsgCnt: 0 });
  });
});
