/**
 * Per-message measurements that become metrics: each is a field of the one structured log line the runtime
 * already writes per message, and the CDKTF stack declares log-based metrics on those fields (see
 * toolkit/infra/constructs/log-metrics.ts and docs/observability.md for why logs rather than a metrics exporter).
 *
 * Fields: `outcome` and `latencyMs` (already there), `e2eLatencyMs` (since the request entered the pipeline),
 * `modelMs` (time in the handler, or in the model call when the stage batches), `batchSize` (items in the model
 * call this message was part of).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ATTR } from '../pipeline/attributes';
import type { ReceivedMessage } from './received-message';

/** What is measured of one message while it is processed. */
export interface MessageMeasurements {
  /** Milliseconds in the handler (or in the model call, when the handler batches). */
  modelMs?: number;
  /** Items in the model call this message was part of; absent when the stage does not batch. */
  batchSize?: number;
}

const current = new AsyncLocalStorage<MessageMeasurements>();

/** Runs `fn` with a fresh measurement record for one message and returns both. */
export async function measureMessage<T>(fn: () => Promise<T>): Promise<{ readonly result: T; readonly measurements: MessageMeasurements }> {
  const measurements: MessageMeasurements = {};
  const result = await current.run(measurements, fn);
  return { result, measurements };
}

/** The record of the message being processed in this async context; undefined outside `measureMessage`. */
export function currentMeasurements(): MessageMeasurements | undefined {
  return current.getStore();
}

/** Times the handler of the current message (kept when a batch already recorded the model call's time). */
export async function timeHandler<T>(fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    const record = current.getStore();
    if (record && record.modelMs === undefined) record.modelMs = performance.now() - started;
  }
}

/** Records that a message's item ran in a model call of `size` items lasting `millis` (the micro-batcher's hook). */
export function recordBatch(record: MessageMeasurements | undefined, size: number, millis: number): void {
  if (!record) return;
  record.batchSize = size;
  record.modelMs = millis;
}

/** The ingress time a stage's output carries: the one it received, or, at the first stage, the ingress message's publish time. */
export function ingressTimeAttribute(message: ReceivedMessage): Record<string, string> {
  const ingress = message.attributes[ATTR.ingressTime] || message.publishTime;
  return ingress ? { [ATTR.ingressTime]: ingress } : {};
}

const round = (millis: number): number => Math.round(millis * 100) / 100;

/** The metric fields of a message's log line. */
export function metricFields(message: ReceivedMessage, measurements: MessageMeasurements, nowMillis: number): Record<string, number> {
  const fields: Record<string, number> = {};
  const ingress = message.attributes[ATTR.ingressTime] || message.publishTime;
  const ingressMillis = ingress ? Date.parse(ingress) : Number.NaN;
  if (Number.isFinite(ingressMillis)) fields['e2eLatencyMs'] = Math.max(0, round(nowMillis - ingressMillis));
  if (measurements.modelMs !== undefined) fields['modelMs'] = round(measurements.modelMs);
  if (measurements.batchSize !== undefined) fields['batchSize'] = measurements.batchSize;
  return fields;
}
