/**
 * Micro-batching: concurrent requests to one instance share model calls.
 *
 * A Cloud Function instance serves up to `maxInstanceRequestConcurrency` pushes at once. Models such as the
 * sentence encoder or an ONNX session are far cheaper per item in a batch (one tensor op over N rows) than
 * called N times, so each request submits its item and awaits its own result, while the batcher runs the model
 * on whatever has gathered: as soon as `maxBatchSize` items wait, or `maxWaitMillis` after the first one arrived.
 * One batch runs at a time (the models here are CPU-bound on one vCPU, so overlapping calls would only slow each
 * other down); items that arrive meanwhile form the next batch, so batches grow with load by themselves.
 */

import { currentMeasurements, recordBatch, type MessageMeasurements } from './metrics';

/** What a batch call returns for one item: its result, or the error that fails only that item. */
export type BatchItemResult<Out> = { readonly ok: true; readonly value: Out } | { readonly ok: false; readonly error: unknown };

/** Runs the model on a batch; returns one result per item, in order. Throwing fails the batch (see `MicroBatcher`). */
export type BatchFunction<In, Out> = (items: readonly In[]) => Promise<readonly BatchItemResult<Out>[]>;

/** Batching limits of one model. */
export interface BatchingOptions {
  /** Most items in one model call. */
  readonly maxBatchSize: number;
  /** Longest the first item of a batch waits for company before the batch runs anyway. */
  readonly maxWaitMillis: number;
}

/** Counters, for tests and logs. */
export interface BatcherStats {
  /** Model calls made (including the one-by-one retries of a failed batch). */
  readonly calls: number;
  /** Items submitted. */
  readonly items: number;
  /** Largest batch run. */
  readonly largestBatch: number;
}

/** Shares model calls between concurrent callers. */
export interface MicroBatcher<In, Out> {
  /** Queues one item; resolves with its own result or rejects with its own error. */
  submit(item: In): Promise<Out>;
  stats(): BatcherStats;
}

interface Pending<In, Out> {
  readonly item: In;
  /** The measurement record of the message that submitted the item (metrics.ts): gets the batch's size and time. */
  readonly measurements: MessageMeasurements | undefined;
  readonly resolve: (value: Out) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Creates a batcher around `run`.
 *
 * Failure isolation: `run` reports per-item failures in its results. If it throws instead (one malformed item can
 * make a whole tensor op fail), every item of that batch is retried alone, so only the culprit fails; a batch of
 * one that throws rejects its single caller.
 */
export function createMicroBatcher<In, Out>(run: BatchFunction<In, Out>, options: BatchingOptions): MicroBatcher<In, Out> {
  if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be a whole number ≥ 1, got ${options.maxBatchSize}`);
  }
  if (!Number.isFinite(options.maxWaitMillis) || options.maxWaitMillis < 0) {
    throw new RangeError(`maxWaitMillis must be a number ≥ 0, got ${options.maxWaitMillis}`);
  }
  const queue: Pending<In, Out>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let calls = 0;
  let items = 0;
  let largestBatch = 0;

  const call = async (batch: readonly Pending<In, Out>[]): Promise<readonly BatchItemResult<Out>[]> => {
    calls += 1;
    largestBatch = Math.max(largestBatch, batch.length);
    const started = performance.now();
    const results = await run(batch.map((p) => p.item));
    const millis = performance.now() - started;
    for (const pending of batch) recordBatch(pending.measurements, batch.length, millis);
    if (results.length !== batch.length) {
      throw new Error(`batch function returned ${results.length} results for ${batch.length} items; expected one per item`);
    }
    return results;
  };

  const settle = (pending: Pending<In, Out>, result: BatchItemResult<Out>): void => {
    if (result.ok) pending.resolve(result.value);
    else pending.reject(result.error);
  };

  const runBatch = async (batch: Pending<In, Out>[]): Promise<void> => {
    try {
      const results = await call(batch);
      batch.forEach((pending, i) => settle(pending, results[i] as BatchItemResult<Out>));
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as Pending<In, Out>).reject(error);
        return;
      }
      // Find the culprit: each item alone, one after the other (still one model call at a time).
      for (const pending of batch) {
        try {
          const [result] = await call([pending]);
          settle(pending, result as BatchItemResult<Out>);
        } catch (single) {
          pending.reject(single);
        }
      }
    }
  };

  const drain = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, options.maxBatchSize);
        await runBatch(batch);
      }
    } finally {
      running = false;
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    void drain();
  };

  return {
    submit(item: In): Promise<Out> {
      items += 1;
      return new Promise<Out>((resolve, reject) => {
        queue.push({ item, measurements: currentMeasurements(), resolve, reject });
        // While a batch runs, the queue is drained as soon as it ends; no timer needed.
        if (running) return;
        if (queue.length >= options.maxBatchSize) flush();
        else if (!timer) timer = setTimeout(flush, options.maxWaitMillis);
      });
    },
    stats: () => ({ calls, items, largestBatch }),
  };
}
