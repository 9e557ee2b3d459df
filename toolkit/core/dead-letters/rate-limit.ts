/** A clock that can be faked in tests. */
export interface Clock {
  now(): number;
  sleep(millis: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (millis) => new Promise((resolve) => setTimeout(resolve, millis)),
};

/**
 * Spaces calls evenly at `perSecond` a second: each `take()` resolves at its own slot, `1000 / perSecond` ms after
 * the previous one (no bursts, so a replay never floods a stage that just recovered). `undefined` means no limit.
 */
export function createRateLimiter(perSecond: number | undefined, clock: Clock = systemClock): () => Promise<void> {
  if (perSecond === undefined) return async () => undefined;
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`rate ${perSecond}: expected a positive number of messages a second`);
  const interval = 1000 / perSecond;
  let next: number | undefined;
  return async () => {
    const now = clock.now();
    const slot = next === undefined ? now : Math.max(now, next);
    next = slot + interval;
    if (slot > now) await clock.sleep(slot - now);
  };
}
