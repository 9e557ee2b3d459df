import { CLOUD_RUN_FUNCTIONS_TIER1, PUBSUB_THROUGHPUT } from './prices';

const TIB = 2 ** 40;

/** What one stage costs per million messages, by component, in US dollars. */
export interface CostPerMillion {
  readonly computeUsd: number;
  readonly requestsUsd: number;
  readonly pubsubUsd: number;
  readonly totalUsd: number;
}

/** What the estimate needs about a stage. */
export interface StageCostInput {
  /** Messages per second one fully loaded instance handles (the measured server throughput). */
  readonly perSecond: number;
  /** vCPUs of the instance (`availableCpu`). */
  readonly vCpu: number;
  /** Memory of the instance in GiB (`availableMemory`). */
  readonly memoryGiB: number;
  /** Billable size of a delivered (pushed) message: data, attributes, timestamp and id. */
  readonly inBytes: number;
  /** Billable size of the published result. */
  readonly outBytes: number;
}

/** Billable bytes of one message in one request of its own (push delivery, or an unbatched publish). */
export function billableBytes(messageBytes: number): number {
  return Math.max(PUBSUB_THROUGHPUT.minimumBytesPerRequest, messageBytes);
}

/** Size Pub/Sub bills for a message: data, each attribute's key and value, the timestamp and the message id. */
export function messageBytes(data: Buffer | string, attributes: Readonly<Record<string, string>>, messageId = '12345678901234567'): number {
  let bytes = Buffer.byteLength(data) + PUBSUB_THROUGHPUT.timestampBytes + Buffer.byteLength(messageId);
  for (const [key, value] of Object.entries(attributes)) bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  return bytes;
}

/**
 * Cost per million messages of a push-fed stage on Cloud Run functions: instance time at the measured throughput
 * (1/perSecond seconds per message while the instance is kept busy), one invocation per message, one push
 * delivery in and one result publish out, each billed as a request of its own (conservative: the publisher
 * client batches under load, which can only lower the publish share).
 */
export function stageCostPerMillion(input: StageCostInput): CostPerMillion {
  if (!(input.perSecond > 0)) throw new RangeError(`perSecond must be > 0, got ${input.perSecond}`);
  const perMessageSeconds = 1 / input.perSecond;
  const computeUsd = 1e6 * perMessageSeconds * (input.vCpu * CLOUD_RUN_FUNCTIONS_TIER1.vCpuSecondUsd + input.memoryGiB * CLOUD_RUN_FUNCTIONS_TIER1.gibSecondUsd);
  const requestsUsd = CLOUD_RUN_FUNCTIONS_TIER1.perMillionRequestsUsd;
  const pubsubUsd = (1e6 * (billableBytes(input.inBytes) + billableBytes(input.outBytes)) * PUBSUB_THROUGHPUT.perTibUsd) / TIB;
  const round = (usd: number): number => Math.round(usd * 10_000) / 10_000;
  return { computeUsd: round(computeUsd), requestsUsd: round(requestsUsd), pubsubUsd: round(pubsubUsd), totalUsd: round(computeUsd + requestsUsd + pubsubUsd) };
}

/** `"512Mi"` → 0.5, `"1Gi"` → 1, `"2G"` → 1.86… (as Cloud Functions spells memory). */
export function memoryGiB(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(value.trim());
  if (!match) throw new Error(`memory "${value}": expected a number with Ki, Mi, Gi, K, M or G`);
  const factor: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9, '': 1 };
  return (Number(match[1]) * (factor[match[2] ?? ''] as number)) / 2 ** 30;
}
