/**
 * Which OpenTelemetry SDK records the stages' spans, and where they go: chosen once per process, at the edge,
 * from the environment.
 *
 *   TRACING_EXPORTER      none | cloud-trace | console | memory. Default: cloud-trace when deployed (Cloud Run
 *                         sets K_SERVICE), none elsewhere (npm start, tests), where the trace context is still
 *                         carried from hop to hop, only not recorded.
 *   TRACING_SAMPLE_RATIO  0..1, the share of new traces recorded (default 1); a message whose publisher sampled
 *                         (or did not sample) its trace follows that decision.
 */
import type { InMemorySpanExporter, ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';
import { describeZodError } from './push-body';

/** Where spans go. */
export const TRACE_EXPORTERS = ['none', 'cloud-trace', 'console', 'memory'] as const;
/** One of `TRACE_EXPORTERS`. */
export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];

/** The tracing settings of a process. */
export interface TracingConfig {
  readonly exporter: TraceExporterName;
  /** Share of new traces recorded, 0..1. */
  readonly sampleRatio: number;
  /** `service.name` of the spans: the Cloud Run service (the function) when deployed. */
  readonly serviceName: string;
  /** Google Cloud project the Cloud Trace exporter writes to. */
  readonly project?: string;
}

const tracingEnvSchema = z.object({
  TRACING_EXPORTER: z.enum(TRACE_EXPORTERS, { error: `TRACING_EXPORTER must be one of ${TRACE_EXPORTERS.join(', ')}` }).optional(),
  TRACING_SAMPLE_RATIO: z.coerce
    .number({ error: 'TRACING_SAMPLE_RATIO must be a number from 0 to 1' })
    .min(0, 'TRACING_SAMPLE_RATIO must be at least 0')
    .max(1, 'TRACING_SAMPLE_RATIO must be at most 1')
    .default(1),
  K_SERVICE: z.string().optional(),
  GOOGLE_CLOUD_PROJECT: z.string().optional(),
});

/** Reads the tracing settings from the environment, failing fast with a message that says how to fix it. */
export function parseTracingConfig(env: Readonly<Record<string, string | undefined>>): TracingConfig {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = tracingEnvSchema.safeParse(blankless);
  if (!parsed.success) throw new Error(`invalid tracing environment: ${describeZodError(parsed.error)}`);
  const { TRACING_EXPORTER, TRACING_SAMPLE_RATIO, K_SERVICE, GOOGLE_CLOUD_PROJECT } = parsed.data;
  return {
    exporter: TRACING_EXPORTER ?? (K_SERVICE ? 'cloud-trace' : 'none'),
    sampleRatio: TRACING_SAMPLE_RATIO,
    serviceName: K_SERVICE ?? 'pipeline-stage',
    ...(GOOGLE_CLOUD_PROJECT ? { project: GOOGLE_CLOUD_PROJECT } : {}),
  };
}

/** The installed tracing of a process. */
export interface Tracing {
  readonly config: TracingConfig;
  /** The spans recorded so far, with the `memory` exporter (tests, the benchmark); empty otherwise. */
  finishedSpans(): ReadableSpan[];
  /** Forgets the recorded spans (`memory` exporter). */
  reset(): void;
  /** Exports what is still buffered. */
  flush(): Promise<void>;
  /** Flushes and stops recording. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Registers the OpenTelemetry SDK for this process (global tracer provider, AsyncLocalStorage context, W3C
 * propagator) with the configured exporter; once per process, later calls return the first installation. With
 * `none` nothing is registered and the API stays a no-op (the cheapest path).
 */
export async function installTracing(config: TracingConfig): Promise<Tracing> {
  if (installed) return installed;
  if (config.exporter === 'none') {
    installed = { config, finishedSpans: () => [], reset: () => undefined, flush: async () => undefined, shutdown: async () => undefined };
    return installed;
  }
  // Loaded only when spans are recorded: the SDK costs about a quarter of a second of cold start.
  const sdk = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk;
  const memory = config.exporter === 'memory' ? new sdk.InMemorySpanExporter() : undefined;
  const processor = await spanProcessor(sdk, config, memory);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [processor],
  });
  provider.register();
  installed = {
    config,
    finishedSpans: () => memory?.getFinishedSpans() ?? [],
    reset: () => memory?.reset(),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return installed;
}

/** `installTracing(parseTracingConfig(env))`. */
export function installTracingFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<Tracing> {
  return installTracing(parseTracingConfig(env));
}

async function spanProcessor(sdk: typeof import('@opentelemetry/sdk-trace-node'), config: TracingConfig, memory: InMemorySpanExporter | undefined): Promise<SpanProcessor> {
  // Synchronous export where spans are read back in the same process; batches where they leave it.
  if (memory) return new sdk.SimpleSpanProcessor(memory);
  if (config.exporter === 'console') return new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter());
  // Loaded only when selected: the exporter brings gRPC, which costs cold-start time where it is not used.
  const { TraceExporter } = await import('@google-cloud/opentelemetry-cloud-trace-exporter');
  const exporter: SpanExporter = new TraceExporter(config.project ? { projectId: config.project } : {});
  return new sdk.BatchSpanProcessor(exporter);
}
