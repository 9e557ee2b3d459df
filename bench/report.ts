import { z } from 'zod';
import { observabilityReportSchema, renderObservabilityMarkdown } from './observability-report';

/** Latency percentiles in ms. */
export const latencySchema = z.object({
  count: z.number().int().nonnegative(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

/** One measured configuration of a model in process (`variant` says which: batch size, backend, threads). */
export const rawRunSchema = z.object({
  variant: z.string(),
  batchSize: z.number().int().positive(),
  backend: z.string().optional(),
  threads: z.number().int().positive().optional(),
  perSec: z.number().nonnegative(),
  cpuMsPerMsg: z.number().nonnegative(),
  messages: z.number().int().nonnegative(),
  /** Why the configuration could not be measured, if it could not. */
  error: z.string().optional(),
});

/** A model measured in process: every configuration tried, and the best. */
export const rawModelSchema = z.object({
  model: z.string(),
  stages: z.array(z.string()),
  loadMs: z.number().nonnegative().optional(),
  peakRssMb: z.number().nonnegative().optional(),
  runs: z.array(rawRunSchema),
  best: rawRunSchema.optional(),
});

/** A stage's HTTP server (or the sample-style baseline) under concurrent push requests. */
export const serverRunSchema = z.object({
  connections: z.number().int().positive(),
  perSec: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  non2xx: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  latencyMs: latencySchema,
  cpuMsPerMsg: z.number().nonnegative(),
  peakRssMb: z.number().nonnegative(),
  /** What the stage did with the messages (published, dead-lettered, ...), as the server counted them. */
  outcomes: z.record(z.string(), z.number()).optional(),
  /** Mean billable size of what it published (data, attributes, timestamp, id), bytes. */
  meanPublishedBytes: z.number().nonnegative().optional(),
});

/** Cost per million messages at list prices, in US dollars. */
export const costSchema = z.object({
  computeUsd: z.number(),
  requestsUsd: z.number(),
  pubsubUsd: z.number(),
  totalUsd: z.number(),
});

/** Everything measured about one stage. */
export const stageReportSchema = z.object({
  name: z.string(),
  model: z.string().optional(),
  rawPerSec: z.number().nonnegative().optional(),
  rawCpuMsPerMsg: z.number().nonnegative().optional(),
  /** The model with the input decoding the stage must do (image files in), where `rawPerSec` starts from tensors. */
  rawDecodingPerSec: z.number().nonnegative().optional(),
  rawDecodingCpuMsPerMsg: z.number().nonnegative().optional(),
  serverPerSec: z.number().nonnegative().optional(),
  baselinePerSec: z.number().nonnegative().optional(),
  cpuMsPerMsg: z.number().nonnegative().optional(),
  peakRssMb: z.number().nonnegative().optional(),
  server: z.array(serverRunSchema).optional(),
  baseline: serverRunSchema.optional(),
  costPerMillion: costSchema.optional(),
  notes: z.array(z.string()).default([]),
});

/** One run of the whole pipeline through the emulator. */
export const pipelineRunSchema = z.object({
  delivery: z.enum(['push', 'pull']),
  messages: z.number().int().nonnegative(),
  received: z.number().int().nonnegative(),
  /** Results per second from the first publish to the last result (includes the time the pipeline takes to fill). */
  perSec: z.number().nonnegative(),
  /** Results per second once flowing: from the arrival of the first 10% of results to the last one. */
  steadyPerSec: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
  latencyMs: latencySchema,
  cpuMsPerMsg: z.number().nonnegative(),
  peakRssMb: z.number().nonnegative(),
  startupMs: z.number().nonnegative(),
  error: z.string().optional(),
});

/** A target: a ratio of two measured figures against a threshold. */
export const targetSchema = z.object({
  name: z.string(),
  /** `ratio` must be ≥ `threshold`, or for `max` targets ≤. */
  kind: z.enum(['min', 'max']),
  value: z.number().nullable(),
  threshold: z.number(),
  met: z.boolean().nullable(),
  detail: z.string(),
});

/** bench/report.json. */
export const benchReportSchema = z.object({
  generatedAt: z.string(),
  quick: z.boolean(),
  machine: z.object({ cpus: z.number().int().positive(), cpuModel: z.string(), memoryGb: z.number(), node: z.string(), loadAverage: z.array(z.number()) }),
  prices: z.object({ readOn: z.string(), sources: z.array(z.string()) }),
  raw: z.array(rawModelSchema),
  stages: z.array(stageReportSchema),
  pipeline: z.object({
    textMessages: z.number().int().nonnegative(),
    pushPerSec: z.number().nonnegative().nullable(),
    pullPerSec: z.number().nonnegative().nullable(),
    push: pipelineRunSchema.optional(),
    pull: pipelineRunSchema.optional(),
  }),
  targets: z.array(targetSchema),
  /** Tracing and metrics overhead per message on the light stages (bench/observability.ts). */
  observability: observabilityReportSchema.optional(),
  durationSeconds: z.number().nonnegative(),
});

/** The benchmark report, as written to bench/report.json. */
export type BenchReport = z.infer<typeof benchReportSchema>;
export type RawModelReport = z.infer<typeof rawModelSchema>;
export type RawRun = z.infer<typeof rawRunSchema>;
export type ServerRun = z.infer<typeof serverRunSchema>;
export type StageReport = z.infer<typeof stageReportSchema>;
export type PipelineRun = z.infer<typeof pipelineRunSchema>;
export type Target = z.infer<typeof targetSchema>;

/** Stages on the text path, whose slowest raw model bounds the text pipeline. */
export const TEXT_PATH_STAGES = ['language', 'nlp', 'classify'] as const;
/** Stages whose runtime overhead should stay under 1 ms of CPU per message. */
export const LIGHT_STAGES = ['language', 'nlp'] as const;

const ratio = (a: number | undefined | null, b: number | undefined | null): number | null =>
  a !== undefined && a !== null && b !== undefined && b !== null && b > 0 ? Math.round((a / b) * 1000) / 1000 : null;

const judge = (value: number | null, kind: 'min' | 'max', threshold: number): boolean | null =>
  value === null ? null : kind === 'min' ? value >= threshold : value <= threshold;

/** Image stages: the share of their model's best raw throughput their server must reach (issue 12). */
export const IMAGE_STAGE_TARGETS = { onnx: 0.6, ocr: 1 } as const;

/** The targets, computed from the measurements (never asserted by a timed test). */
export function computeTargets(stages: readonly StageReport[], pipeline: BenchReport['pipeline']): Target[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const targets: Target[] = [];
  const classify = byName.get('classify');
  const serverVsRaw = ratio(classify?.serverPerSec, classify?.rawPerSec);
  targets.push({
    name: 'classify server ≥ 0.8 × its model’s best raw throughput',
    kind: 'min',
    value: serverVsRaw,
    threshold: 0.8,
    met: judge(serverVsRaw, 'min', 0.8),
    detail: `server ${fmt(classify?.serverPerSec)}/s vs raw ${fmt(classify?.rawPerSec)}/s; per CPU-second ${fmt(perCpuSecond(classify?.cpuMsPerMsg))} vs ${fmt(perCpuSecond(classify?.rawCpuMsPerMsg))} = ${fmt(ratio(perCpuSecond(classify?.cpuMsPerMsg), perCpuSecond(classify?.rawCpuMsPerMsg)))}`,
  });
  for (const name of LIGHT_STAGES) {
    const stage = byName.get(name);
    const overhead = stage?.cpuMsPerMsg !== undefined && stage.rawCpuMsPerMsg !== undefined ? Math.round((stage.cpuMsPerMsg - stage.rawCpuMsPerMsg) * 1000) / 1000 : null;
    targets.push({
      name: `${name}: runtime overhead ≤ 1 ms CPU per message`,
      kind: 'max',
      value: overhead,
      threshold: 1,
      met: judge(overhead, 'max', 1),
      detail: `server ${fmt(stage?.cpuMsPerMsg)} ms − raw model ${fmt(stage?.rawCpuMsPerMsg)} ms CPU per message`,
    });
  }
  const textRaw = TEXT_PATH_STAGES.map((name) => byName.get(name)?.rawPerSec).filter((v): v is number => v !== undefined);
  const slowest = textRaw.length === TEXT_PATH_STAGES.length ? Math.min(...textRaw) : undefined;
  // Throughput once the pipeline is flowing; the fill time is in the end-to-end figure and the latencies.
  const pullSteady = pipeline.pull && !pipeline.pull.error ? pipeline.pull.steadyPerSec : null;
  const pullVsRaw = ratio(pullSteady, slowest);
  targets.push({
    name: 'pull-worker text pipeline ≥ 0.7 × the slowest text stage’s raw throughput',
    kind: 'min',
    value: pullVsRaw,
    threshold: 0.7,
    met: judge(pullVsRaw, 'min', 0.7),
    detail: `pull pipeline ${fmt(pullSteady)}/s steady (${fmt(pipeline.pullPerSec)}/s end to end) vs slowest text stage raw ${fmt(slowest)}/s`,
  });
  for (const [name, threshold] of Object.entries(IMAGE_STAGE_TARGETS)) {
    const stage = byName.get(name);
    const value = ratio(stage?.serverPerSec, stage?.rawPerSec);
    targets.push({
      name: `${name} server ≥ ${threshold} × its model’s best raw throughput`,
      kind: 'min',
      value,
      threshold,
      met: judge(value, 'min', threshold),
      detail: `server ${fmt(stage?.serverPerSec)}/s vs raw ${fmt(stage?.rawPerSec)}/s; per CPU-second ${fmt(perCpuSecond(stage?.cpuMsPerMsg))} vs ${fmt(perCpuSecond(stage?.rawCpuMsPerMsg))}`,
    });
    // Where the raw figure starts from ready tensors, the same ratio against the model fed from image files: what
    // the stage's runtime costs on top of the work any program reading those images must do.
    if (stage?.rawDecodingPerSec === undefined) continue;
    const decodingValue = ratio(stage.serverPerSec, stage.rawDecodingPerSec);
    targets.push({
      name: `${name} server ≥ ${threshold} × its model and image decoding in process (image files in)`,
      kind: 'min',
      value: decodingValue,
      threshold,
      met: judge(decodingValue, 'min', threshold),
      detail: `server ${fmt(stage.serverPerSec)}/s vs raw from files ${fmt(stage.rawDecodingPerSec)}/s; per CPU-second ${fmt(perCpuSecond(stage.cpuMsPerMsg))} vs ${fmt(perCpuSecond(stage.rawDecodingCpuMsPerMsg))}`,
    });
  }
  const vsBaseline = ratio(classify?.serverPerSec, classify?.baselinePerSec);
  targets.push({
    name: 'classify stage ≥ 2 × the sample-style baseline',
    kind: 'min',
    value: vsBaseline,
    threshold: 2,
    met: judge(vsBaseline, 'min', 2),
    detail: `stage ${fmt(classify?.serverPerSec)}/s vs baseline ${fmt(classify?.baselinePerSec)}/s; per CPU-second ${fmt(perCpuSecond(classify?.cpuMsPerMsg))} vs ${fmt(perCpuSecond(classify?.baseline?.cpuMsPerMsg))} = ${fmt(ratio(perCpuSecond(classify?.cpuMsPerMsg), perCpuSecond(classify?.baseline?.cpuMsPerMsg)))}`,
  });
  return targets;
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return value >= 100 ? String(Math.round(value)) : String(Math.round(value * 100) / 100);
}

/** One line per target: met / missed / not measured, with the ratio. */
export function describeTarget(target: Target): string {
  const verdict = target.met === null ? 'NOT MEASURED' : target.met ? 'MET' : 'MISSED';
  const value = target.value === null ? 'n/a' : String(target.value);
  return `${verdict.padEnd(12)} ${target.name}: ${value} (${target.kind === 'min' ? '≥' : '≤'} ${target.threshold}; ${target.detail})`;
}

/**
 * bench/report.md: the figures as tables, the targets, and how they were measured; `sections` (markdown with their
 * own `##` headings, such as the deploy rehearsal's bench/rehearsal.md) go before the closing note.
 */
export function renderMarkdown(report: BenchReport, sections: readonly string[] = []): string {
  const lines: string[] = [];
  lines.push(`# Benchmark report${report.quick ? ' (quick)' : ''}`, '');
  lines.push(
    `Generated ${report.generatedAt} in ${Math.round(report.durationSeconds)} s on ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGb} GB, Node ${report.machine.node}; load average at start ${report.machine.loadAverage.join(' / ')}.`,
    'Figures are from this run only: they move with whatever else the machine was doing.',
    '',
  );
  lines.push('## Targets', '');
  for (const target of report.targets) lines.push(`- ${describeTarget(target)}`);
  lines.push('', '## Stages', '');
  lines.push('| stage | model | raw msgs/s | server msgs/s | baseline msgs/s | raw CPU ms/msg | server CPU ms/msg | baseline CPU ms/msg | server p50 / p95 / p99 ms | peak RSS MB | $ per million |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const stage of report.stages) {
    const best = bestServerRun(stage);
    lines.push(
      `| ${stage.name} | ${stage.model ?? ''} | ${fmt(stage.rawPerSec)} | ${fmt(stage.serverPerSec)} | ${fmt(stage.baselinePerSec)} | ${fmt(stage.rawCpuMsPerMsg)} | ${fmt(stage.cpuMsPerMsg)} | ${fmt(stage.baseline?.cpuMsPerMsg)} | ${best ? `${best.latencyMs.p50} / ${best.latencyMs.p95} / ${best.latencyMs.p99}` : ''} | ${fmt(stage.peakRssMb)} | ${stage.costPerMillion ? stage.costPerMillion.totalUsd.toFixed(2) : ''} |`,
    );
  }
  const notes = report.stages.flatMap((s) => s.notes.map((n) => `- ${s.name}: ${n}`));
  if (notes.length > 0) lines.push('', ...notes);
  lines.push('', '## Models in process (every configuration tried)', '');
  lines.push('| model | variant | msgs/s | msgs per CPU-second | CPU ms/msg | messages | note |', '|---|---|---|---|---|---|---|');
  for (const model of report.raw) {
    for (const run of model.runs) {
      lines.push(`| ${model.model} | ${run.variant} | ${fmt(run.perSec)} | ${fmt(perCpuSecond(run.cpuMsPerMsg))} | ${fmt(run.cpuMsPerMsg)} | ${run.messages} | ${run.error ?? (run.variant === model.best?.variant ? 'best' : '')} |`);
    }
  }
  lines.push('', '## Pipeline through the emulator', '');
  lines.push('| delivery | messages | received | msgs/s end to end | msgs/s steady | p50 / p95 / p99 ms | CPU ms/msg (all stages) | peak RSS MB (all stages) | start-up s |', '|---|---|---|---|---|---|---|---|---|');
  for (const run of [report.pipeline.push, report.pipeline.pull]) {
    if (!run) continue;
    lines.push(`| ${run.delivery} | ${run.messages} | ${run.received} | ${fmt(run.perSec)} | ${fmt(run.steadyPerSec)} | ${run.latencyMs.p50} / ${run.latencyMs.p95} / ${run.latencyMs.p99} | ${fmt(run.cpuMsPerMsg)} | ${fmt(run.peakRssMb)} | ${(run.startupMs / 1000).toFixed(1)} |${run.error ? ` ${run.error}` : ''}`);
  }
  lines.push(...renderObservabilityMarkdown(report.observability));
  for (const section of sections) lines.push('', section.trimEnd());
  lines.push('', `Prices read ${report.prices.readOn}: ${report.prices.sources.join(', ')}. See docs/benchmark.md for the method.`, '');
  return lines.join('\n');
}

/**
 * Messages per second of CPU (1000 / CPU ms per message): the throughput one fully available core would give.
 * Steadier than msgs/s on a shared machine, where the share of the cores a process gets changes from run to run.
 */
export function perCpuSecond(cpuMsPerMsg: number | undefined): number | undefined {
  return cpuMsPerMsg !== undefined && cpuMsPerMsg > 0 ? Math.round((1000 / cpuMsPerMsg) * 10) / 10 : undefined;
}

/** The server run with the highest throughput. */
export function bestServerRun(stage: StageReport): ServerRun | undefined {
  return [...(stage.server ?? [])].sort((a, b) => b.perSec - a.perSec)[0];
}
