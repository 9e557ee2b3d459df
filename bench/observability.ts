/**
 * The cost of seeing: CPU per message of a light stage's processing with tracing off (the OpenTelemetry API's
 * no-op, as `npm start` runs by default) and on (the SDK recording every span and exporting it through a batch
 * processor, as deployed, minus the network call), and of the per-message metric fields on their own.
 *
 * Each variant runs in a fresh child process (`node --import tsx bench/observability.ts <stage> <off|on>`: the
 * tracer provider is global to a process), processes messages one after the other through the stage's real
 * processor and log line, with an in-memory publisher, and reports `process.cpuUsage()` per message. Variants
 * alternate over several rounds and the lowest figure of each is kept, which cancels most of the noise of a
 * shared machine.
 */
import { spawn } from 'node:child_process';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';
import { pipeline } from '../functions/pipeline';
import { createLogger } from '../toolkit/core/runtime/logger';
import { measureMessage, metricFields, timeHandler } from '../toolkit/core/runtime/metrics';
import type { Publisher } from '../toolkit/core/runtime/publisher';
import type { ReceivedMessage } from '../toolkit/core/runtime/received-message';
import { logProcessed } from '../toolkit/core/runtime/stage-handler';
import { createStageProcessor } from '../toolkit/core/runtime/stage-processor';
import { OBSERVED_STAGES, type ObservabilityReport } from './observability-report';
import { stageSample } from './samples';

const childResultSchema = z.object({ cpuMsPerMsg: z.number(), metricsCpuMsPerMsg: z.number(), spans: z.number().int() });
type ChildResult = z.infer<typeof childResultSchema>;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Runs the section: alternating off/on children per stage. */
export async function benchObservability(options: { quick: boolean; log: (line: string) => void }): Promise<ObservabilityReport> {
  const messages = options.quick ? 5_000 : 20_000;
  const rounds = options.quick ? 2 : 4;
  const stages: ObservabilityReport['stages'] = [];
  for (const stage of OBSERVED_STAGES) {
    const off: ChildResult[] = [];
    const on: ChildResult[] = [];
    for (let i = 0; i < rounds; i++) {
      off.push(await runChild(stage, 'off', messages));
      on.push(await runChild(stage, 'on', messages));
    }
    const best = (results: ChildResult[], pick: (r: ChildResult) => number): number => Math.min(...results.map(pick));
    const offMs = best(off, (r) => r.cpuMsPerMsg);
    const onMs = best(on, (r) => r.cpuMsPerMsg);
    if (on.some((r) => r.spans < messages)) throw new Error(`observability ${stage}: tracing on recorded fewer spans than messages; the variant did not trace`);
    const metricsMs = best([...off, ...on], (r) => r.metricsCpuMsPerMsg);
    const figures = {
      stage,
      cpuMsPerMsgTracingOff: round3(offMs),
      cpuMsPerMsgTracingOn: round3(onMs),
      tracingOverheadMs: round3(onMs - offMs),
      metricsOverheadMs: round3(metricsMs),
      totalOverheadMs: round3(onMs - offMs + metricsMs),
      messagesPerRun: messages,
      rounds,
    };
    options.log(`observability ${stage}: ${figures.cpuMsPerMsgTracingOff} ms CPU/msg tracing off, ${figures.cpuMsPerMsgTracingOn} on; tracing +${figures.tracingOverheadMs} ms, metrics +${figures.metricsOverheadMs} ms`);
    stages.push(figures);
  }
  return { stages };
}

function runChild(stage: string, variant: 'off' | 'on', messages: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, stage, variant, String(messages)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRACING_EXPORTER: 'none' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`observability child ${stage} ${variant} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        resolve(childResultSchema.parse(JSON.parse(out.trim().split('\n').pop() ?? '')));
      } catch (error) {
        reject(new Error(`observability child ${stage} ${variant} printed no result: ${(error as Error).message}`));
      }
    });
  });
}

/** Drops every span (counting them): the export call's CPU without a network. */
class DiscardingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function child(stageKey: string, variant: string, messages: number): Promise<ChildResult> {
  const exporter = new DiscardingExporter();
  let provider: NodeTracerProvider | undefined;
  if (variant === 'on') {
    provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench' }), spanProcessors: [new BatchSpanProcessor(exporter)] });
    provider.register();
  }
  const definition = pipeline.loadStage(stageKey);
  const topology = pipeline.compile({ project: 'bench-project' });
  let id = 0;
  const publisher: Publisher = { publish: async () => String(++id), close: async () => undefined };
  // The log line is built and serialised as in production; only the write to stdout is left out.
  const processor = createStageProcessor(definition, { topology, publisher, logger: createLogger({}, () => undefined), now: () => new Date() });
  await processor.warmUp();
  const message = (i: number): ReceivedMessage => {
    const sample = stageSample(stageKey, i);
    if (!sample) throw new Error(`no sample for ${stageKey}`);
    return { data: sample.data, attributes: sample.attributes, messageId: `m-${i}`, publishTime: new Date().toISOString(), subscription: 'bench' };
  };
  const run = async (from: number, count: number): Promise<void> => {
    for (let i = from; i < from + count; i++) {
      const received = message(i);
      const started = performance.now();
      const processed = await processor.process(received);
      logProcessed(processor, 'bench-project', received, processed, performance.now() - started);
    }
  };
  await run(0, Math.min(500, messages));
  const before = cpuMs();
  await run(1_000_000, messages);
  const cpuMsPerMsg = (cpuMs() - before) / messages;

  // The metric fields alone: what `observeMessage` adds besides the span.
  const sample = message(0);
  const metricsBefore = cpuMs();
  for (let i = 0; i < messages; i++) {
    const { measurements } = await measureMessage(() => timeHandler(async () => i));
    metricFields(sample, measurements, Date.now());
  }
  const metricsCpuMsPerMsg = (cpuMs() - metricsBefore) / messages;
  await provider?.forceFlush();
  await provider?.shutdown();
  return { cpuMsPerMsg, metricsCpuMsPerMsg, spans: exporter.spans };
}

if (require.main === module) {
  const [stage, variant, count] = process.argv.slice(2);
  void child(stage ?? '', variant ?? 'off', Number(count ?? 1000)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
