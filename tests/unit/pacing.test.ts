import { describe, expect, it } from 'vitest';
import { pacer } from '../../functions/domain/pacing.js';

/** A clock that only moves when the pacer sleeps. */
function virtualTime() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), elapsed: () => t };
}

describe('pacer', () => {
  it('10,000 recipients in calls of 50 at 100/s take 100 seconds of waiting: the bucket starts empty', async () => {
    const clock = virtualTime();
    const p = pacer(100, clock.now, clock.sleep);
    for (let i = 0; i < 200; i += 1) await p.take(50);
    expect(clock.elapsed()).toBe(100_000);
  });

  it('never lets more than the rate through in any one-second window', async () => {
    const clock = virtualTime();
    const p = pacer(14, clock.now, clock.sleep);
    const sends: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      await p.take(7);
      sends.push(clock.now());
    }
    for (const start of sends) expect(sends.filter((t) => t >= start && t < start + 1000).length * 7).toBeLessThanOrEqual(14);
  });

  it('a sender that fell behind does not catch up in a burst: calls stay half a second apart at 100/s', async () => {
    const clock = virtualTime();
    const p = pacer(100, clock.now, clock.sleep);
    await p.take(50);
    // A slow call: three seconds pass before the next take.
    await clock.sleep(3_000);
    const sends: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await p.take(50);
      sends.push(clock.now());
    }
    expect(sends.slice(1).map((t, i) => t - sends[i]!)).toEqual([500, 500, 500]);
  });

  it('no rate: no waiting', async () => {
    const clock = virtualTime();
    const p = pacer(undefined, clock.now, clock.sleep);
    for (let i = 0; i < 100; i += 1) await p.take(50);
    expect(clock.elapsed()).toBe(0);
  });
});

describe('pacer.giveBack', () => {
  it('a resumed slice whose calls are already settled waits for the first of them only', async () => {
    const clock = virtualTime();
    const p = pacer(100, clock.now, clock.sleep);
    for (let i = 0; i < 100; i += 1) {
      await p.take(50);
      p.giveBack(50); // settled: nothing went out
    }
    expect(clock.elapsed()).toBe(500);
  });

  it('settled calls handing back at once restore one call, not a burst: four in flight returned, the next two calls still half a second apart at 100/s', async () => {
    const clock = virtualTime();
    const p = pacer(100, clock.now, clock.sleep);
    for (let i = 0; i < 4; i += 1) await p.take(50);
    for (let i = 0; i < 4; i += 1) p.giveBack(50);
    const sends: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      await p.take(50);
      sends.push(clock.now());
    }
    expect(sends[1]! - sends[0]!).toBe(500);
  });
});
