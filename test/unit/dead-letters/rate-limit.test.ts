import { createRateLimiter, type Clock } from '../../../toolkit/core/dead-letters/rate-limit';

/** A clock whose sleeps advance time instantly, recording them. */
function fakeClock(): Clock & { sleeps: number[]; time: number } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (millis: number) => {
      clock.sleeps.push(millis);
      clock.time += millis;
    },
  };
  return clock;
}

describe('createRateLimiter', () => {
  it('spaces calls evenly at the rate, without a burst', async () => {
    // Prepare
    const clock = fakeClock();
    const take = createRateLimiter(4, clock);
    // Act
    const starts: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await take();
      starts.push(clock.now());
    }
    // Assess
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
  });

  it('does not wait when the caller is slower than the rate', async () => {
    const clock = fakeClock();
    const take = createRateLimiter(10, clock);
    await take();
    clock.time += 1_000;
    await take();
    expect(clock.sleeps).toEqual([]);
  });

  it('is a no-op without a rate', async () => {
    const clock = fakeClock();
    const take = createRateLimiter(undefined, clock);
    await Promise.all([take(), take(), take()]);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the rate %s', (rate) => {
    expect(() => createRateLimiter(rate)).toThrow(/expected a positive number of messages a second/);
  });
});
