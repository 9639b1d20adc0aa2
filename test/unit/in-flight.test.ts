import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/ops/in-flight.ts';

describe('work in flight at shutdown', () => {
  it('drains everything tracked, also work tracked while draining', async () => {
    const w = new InFlight();
    const done: string[] = [];
    w.track(new Promise((r) => setTimeout(() => r(done.push('first')), 20)));
    w.track(
      new Promise((r) =>
        setTimeout(() => {
          w.track(new Promise((r2) => setTimeout(() => r2(done.push('late')), 20)));
          r(done.push('second'));
        }, 10),
      ),
    );
    expect(await w.drain(1000)).toBe(true);
    expect(done.sort()).toEqual(['first', 'late', 'second']);
    expect(w.size).toBe(0);
  });

  it('counts a failure as settled, and gives up on work that never ends after the bound', async () => {
    const w = new InFlight();
    w.track(Promise.reject(new Error('store closed')));
    expect(await w.drain(1000)).toBe(true);
    w.track(new Promise(() => undefined));
    expect(await w.drain(50)).toBe(false);
    expect(w.size).toBe(1);
  });
});
