import { createMicroBatcher, type BatchFunction } from '../../../toolkit/core/runtime/micro-batcher';

/** A batch function that doubles numbers, fails negative ones alone, and records every batch it saw. */
function doubler(): { run: BatchFunction<number, number>; batches: number[][] } {
  const batches: number[][] = [];
  const run: BatchFunction<number, number> = async (items) => {
    batches.push([...items]);
    return items.map((n) => (n < 0 ? { ok: false as const, error: new Error(`negative: ${n}`) } : { ok: true as const, value: n * 2 }));
  };
  return { run, batches };
}

describe('createMicroBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('runs items that arrive together as one batch and gives each caller its own result', async () => {
    // Prepare
    jest.useFakeTimers();
    const { run, batches } = doubler();
    const batcher = createMicroBatcher(run, { maxBatchSize: 8, maxWaitMillis: 10 });

    // Act
    const results = Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    await jest.advanceTimersByTimeAsync(10);

    // Assess
    await expect(results).resolves.toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(batcher.stats()).toEqual({ calls: 1, items: 3, largestBatch: 3 });
  });

  it('waits at most maxWaitMillis for company', async () => {
    // Prepare
    jest.useFakeTimers();
    const { run, batches } = doubler();
    const batcher = createMicroBatcher(run, { maxBatchSize: 8, maxWaitMillis: 20 });

    // Act
    const result = batcher.submit(5);
    await jest.advanceTimersByTimeAsync(19);
    const before = batches.length;
    await jest.advanceTimersByTimeAsync(1);

    // Assess
    expect(before).toBe(0);
    await expect(result).resolves.toBe(10);
    expect(batches).toEqual([[5]]);
  });

  it('runs a full batch at once without waiting, and splits larger bursts by maxBatchSize', async () => {
    // Prepare
    jest.useFakeTimers();
    const { run, batches } = doubler();
    const batcher = createMicroBatcher(run, { maxBatchSize: 4, maxWaitMillis: 1_000 });

    // Act: ten items at once; no timer is advanced.
    const results = Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    await jest.advanceTimersByTimeAsync(0);
    const afterFull = batches.length;
    await jest.advanceTimersByTimeAsync(0);

    // Assess: the first four went at once; the rest followed as soon as the batch before them ended.
    expect(afterFull).toBeGreaterThanOrEqual(1);
    await expect(results).resolves.toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(batches).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('runs one batch at a time and gathers what arrives meanwhile into the next', async () => {
    // Prepare: a model call that stays busy until released.
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = createMicroBatcher<number, number>(
      async (items) => {
        batches.push([...items]);
        await new Promise<void>((resolve) => (release = resolve));
        return items.map((n) => ({ ok: true as const, value: n }));
      },
      { maxBatchSize: 16, maxWaitMillis: 0 },
    );

    // Act
    const first = batcher.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const whileBusy = batches.length;
    release();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    const values = await Promise.all(later);

    // Assess
    expect(whileBusy).toBe(1);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(values).toEqual([2, 3, 4]);
  });

  it('fails only the item whose result is an error', async () => {
    // Prepare
    jest.useFakeTimers();
    const { run } = doubler();
    const batcher = createMicroBatcher(run, { maxBatchSize: 8, maxWaitMillis: 1 });

    // Act
    const settled = Promise.allSettled([1, -2, 3].map((n) => batcher.submit(n)));
    await jest.advanceTimersByTimeAsync(1);

    // Assess
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('negative: -2'));
  });

  it('retries each item alone when the whole batch call throws, so only the culprit fails', async () => {
    // Prepare: a model that throws for any batch containing a poison item.
    jest.useFakeTimers();
    const calls: string[][] = [];
    const batcher = createMicroBatcher<string, string>(
      async (items) => {
        calls.push([...items]);
        if (items.includes('poison')) throw new Error('tensor shape mismatch');
        return items.map((s) => ({ ok: true as const, value: s.toUpperCase() }));
      },
      { maxBatchSize: 8, maxWaitMillis: 1 },
    );

    // Act
    const settled = Promise.allSettled(['a', 'poison', 'b'].map((s) => batcher.submit(s)));
    await jest.advanceTimersByTimeAsync(1);
    const outcomes = await settled;

    // Assess
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('tensor shape mismatch') },
      { status: 'fulfilled', value: 'B' },
    ]);
    expect(calls).toEqual([['a', 'poison', 'b'], ['a'], ['poison'], ['b']]);
  });

  it('rejects every caller of a batch whose function returns the wrong number of results, one by one', async () => {
    // Prepare
    jest.useFakeTimers();
    const batcher = createMicroBatcher<number, number>(async () => [], { maxBatchSize: 4, maxWaitMillis: 1 });

    // Act
    const settled = Promise.allSettled([1, 2].map((n) => batcher.submit(n)));
    await jest.advanceTimersByTimeAsync(1);

    // Assess
    for (const outcome of await settled) {
      expect(outcome.status).toBe('rejected');
      expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/returned 0 results for 1 items/);
    }
  });

  it.each([
    [{ maxBatchSize: 0, maxWaitMillis: 1 }, /maxBatchSize must be a whole number ≥ 1, got 0/],
    [{ maxBatchSize: 2.5, maxWaitMillis: 1 }, /maxBatchSize/],
    [{ maxBatchSize: 4, maxWaitMillis: -1 }, /maxWaitMillis must be a number ≥ 0, got -1/],
  ])('refuses the limits %j', (options, message) => {
    expect(() => createMicroBatcher(doubler().run, options)).toThrow(message);
  });
});
