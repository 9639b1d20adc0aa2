import { describe, expect, it } from 'vitest';
import { type CommandOf, type Handlers, dispatch } from '../../src/im/actor-api.ts';

type Counter = {
  add: { args: { readonly by: number }; result: number };
  read: { args: Record<never, never>; result: number };
};

function counter(): Handlers<Counter> {
  let n = 0;
  return {
    add: async (c) => (n += c.by),
    read: async () => n,
  };
}

describe('actor protocols', () => {
  it('runs each command on its own handler, with its own arguments and result', async () => {
    const handlers = counter();
    const add: CommandOf<Counter> = { op: 'add', by: 3 };
    expect(await dispatch(handlers, add)).toBe(3);
    expect(await dispatch(handlers, { op: 'read' })).toBe(3);
  });

  it('refuses a command the actor does not have, inherited names included', async () => {
    const handlers = counter();
    for (const op of ['remove', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await expect(dispatch(handlers, { op })).rejects.toThrow(/no command/);
    }
  });

  it('makes a handler table without one of the commands a compile error', () => {
    // @ts-expect-error `read` has no handler: the table must cover the whole protocol.
    const partial: Handlers<Counter> = { add: async (c) => c.by };
    expect(Object.keys(partial)).toEqual(['add']);
  });
});
