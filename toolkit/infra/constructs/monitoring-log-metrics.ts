import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';
import type { CompiledTopology } from '../../core/pipeline/topology';

/** One log-based metric over the runtime's per-message log line (toolkit/core/runtime/metrics.ts). */
interface LogMetricSpec {
  /** Suffix of the metric name. */
  readonly suffix: string;
  readonly description: string;
  /** The log line's field the value comes from; none for a counter of lines. */
  readonly field?: string;
  readonly unit: string;
  /** Exponential buckets for a distribution: `scale * growthFactor^i`. */
  readonly buckets?: { readonly scale: number; readonly growthFactor: number; readonly numFiniteBuckets: number };
}

/** The metrics, keyed by what the dashboard asks for. */
const SPECS = {
  messages: { suffix: 'messages', description: 'Messages a stage processed, by stage and outcome (published, duplicate, filtered, dead-lettered, retry).', unit: '1' },
  stageLatency: { suffix: 'stage-latency', description: 'Time a stage spent on a message, from request to answer.', field: 'latencyMs', unit: 'ms', buckets: { scale: 1, growthFactor: 2, numFiniteBuckets: 18 } },
  endToEndLatency: { suffix: 'e2e-latency', description: 'Time since the request entered the pipeline, when a stage finished with it.', field: 'e2eLatencyMs', unit: 'ms', buckets: { scale: 1, growthFactor: 2, numFiniteBuckets: 20 } },
  modelTime: { suffix: 'model-time', description: 'Time in the stage handler, or in the batched model call.', field: 'modelMs', unit: 'ms', buckets: { scale: 0.1, growthFactor: 2, numFiniteBuckets: 20 } },
  batchSize: { suffix: 'batch-size', description: 'Items in the model call a message was batched into.', field: 'batchSize', unit: '1', buckets: { scale: 1, growthFactor: 2, numFiniteBuckets: 8 } },
} as const satisfies Record<string, LogMetricSpec>;

/** Keys of the pipeline's log-based metrics. */
export type LogMetricKey = keyof typeof SPECS;

/** The `metric.type` of each log-based metric, for charts and alerts. */
export type LogMetricTypes = Readonly<Record<LogMetricKey, string>>;

/** Configuration of `PipelineLogMetrics`. */
export interface PipelineLogMetricsConfig {
  readonly topology: CompiledTopology;
}

/** The name of a log-based metric of this pipeline: `<prefix>-<pipeline>/<suffix>`, unique per environment. */
export function logMetricName(topology: CompiledTopology, suffix: string): string {
  return `${topology.prefix ? `${topology.prefix}-` : ''}${topology.name}/${suffix}`;
}

/** The Cloud Logging filter that selects the per-message lines of this pipeline's functions. */
export function stageLogFilter(topology: CompiledTopology): string {
  const services = Object.values(topology.stages).map((stage) => `"${stage.functionName}"`);
  return `resource.type="cloud_run_revision" AND resource.labels.service_name=(${services.join(' OR ')}) AND jsonPayload.outcome:*`;
}

/**
 * Metrics as log-based metrics on the one structured line the runtime writes per message: no metrics client in
 * the functions, nothing to flush before an instance is frozen or scaled to zero, and the figures are the ones
 * the logs show (docs/observability.md says why this and not an OpenTelemetry exporter).
 */
export class PipelineLogMetrics extends Construct {
  readonly metrics: Readonly<Record<LogMetricKey, LoggingMetric>>;
  readonly types: LogMetricTypes;

  constructor(scope: Construct, id: string, config: PipelineLogMetricsConfig) {
    super(scope, id);
    const base = stageLogFilter(config.topology);
    const stageLabel = { key: 'stage', valueType: 'STRING', description: 'Stage key in the pipeline definition.' };
    const make = (key: LogMetricKey, spec: LogMetricSpec): LoggingMetric => {
      const name = logMetricName(config.topology, spec.suffix);
      if (!spec.field) {
        return new LoggingMetric(this, key, {
          name,
          description: spec.description,
          filter: base,
          metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: spec.unit, labels: [stageLabel, { key: 'outcome', valueType: 'STRING', description: 'What happened to the message.' }] },
          labelExtractors: { stage: 'EXTRACT(jsonPayload.stage)', outcome: 'EXTRACT(jsonPayload.outcome)' },
        });
      }
      return new LoggingMetric(this, key, {
        name,
        description: spec.description,
        filter: `${base} AND jsonPayload.${spec.field}:*`,
        metricDescriptor: { metricKind: 'DELTA', valueType: 'DISTRIBUTION', unit: spec.unit, labels: [stageLabel] },
        labelExtractors: { stage: 'EXTRACT(jsonPayload.stage)' },
        valueExtractor: `EXTRACT(jsonPayload.${spec.field})`,
        ...(spec.buckets ? { bucketOptions: { exponentialBuckets: spec.buckets } } : {}),
      });
    };
    const entries = (Object.entries(SPECS) as [LogMetricKey, LogMetricSpec][]).map(([key, spec]) => [key, make(key, spec)] as const);
    this.metrics = Object.fromEntries(entries) as Record<LogMetricKey, LoggingMetric>;
    this.types = Object.fromEntries(entries.map(([key]) => [key, `logging.googleapis.com/user/${logMetricName(config.topology, SPECS[key].suffix)}`])) as Record<LogMetricKey, string>;
  }
}
