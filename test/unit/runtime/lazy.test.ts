import { lazy } from '../../../toolkit/core/runtime/lazy';

describe('lazy', () => {
  it('does not load until first called', () => {
    // Prepare
    const load = jest.fn(async () => 'model');

    // Act
    lazy(load);

    // Assess
    expect(load).not.toHaveBeenCalled();
  });

  it('shares one load between concurrent callers', async () => {
    // Prepare: a load that stays pending until released.
    let release: (value: string) => void = () => undefined;
    const load = jest.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const get = lazy(load);

    // Act
    const pending = [get(), get(), get()];
    release('model');
    const values = await Promise.all(pending);

    // Assess
    expect(values).toEqual(['model', 'model', 'model']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps a successful load for later callers', async () => {
    // Prepare
    const model = { name: 'cld3' };
    const load = jest.fn(async () => model);
    const get = lazy(load);

    // Act
    const first = await get();
    const second = await get();

    // Assess
    expect(second).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    // Prepare
    const load = jest.fn<Promise<string>, []>().mockRejectedValueOnce(new Error('download failed')).mockResolvedValue('model');
    const get = lazy(load);

    // Act / Assess
    await expect(get()).rejects.toThrow('download failed');
    await expect(get()).resolves.toBe('model');
    await expect(get()).resolves.toBe('model');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('gives every caller waiting on a failed load the same error', async () => {
    // Prepare
    let fail: (error: Error) => void = () => undefined;
    const load = jest.fn(() => new Promise<string>((_resolve, reject) => (fail = reject)));
    const get = lazy(load);

    // Act
    const pending = [get(), get()];
    fail(new Error('out of memory'));
    const results = await Promise.allSettled(pending);

    // Assess
    expect(results).toEqual([
      { status: 'rejected', reason: new Error('out of memory') },
      { status: 'rejected', reason: new Error('out of memory') },
    ]);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
