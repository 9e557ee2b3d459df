/**
 * The figures of the cost-of-seeing section (bench/observability.ts): schema, targets and the report's table.
 * Kept apart from the runner so that the report does not load the stages.
 */
import { z } from 'zod';

/** The light stages the 0.1 ms target applies to. */
export const OBSERVED_STAGES = ['language', 'nlp'] as const;

/** One stage's figures. */
export const observabilityStageSchema = z.object({
  stage: z.string(),
  /** CPU ms per message, tracing off (API no-op; metric fields on, as always). */
  cpuMsPerMsgTracingOff: z.number(),
  /** CPU ms per message, every span recorded and batch-exported. */
  cpuMsPerMsgTracingOn: z.number(),
  /** On minus off. */
  tracingOverheadMs: z.number(),
  /** CPU ms per message of the metric fields alone (measurement record, handler timing, fields of the log line). */
  metricsOverheadMs: z.number(),
  /** Tracing plus metrics. */
  totalOverheadMs: z.number(),
  messagesPerRun: z.number().int(),
  rounds: z.number().int(),
});

/** The section's figures. */
export const observabilityReportSchema = z.object({ stages: z.array(observabilityStageSchema) });
/** The section's figures. */
export type ObservabilityReport = z.infer<typeof observabilityReportSchema>;

/** The 0.1 ms CPU per message target for tracing plus metrics on the light stages. */
export const OBSERVABILITY_TARGET_MS = 0.1;

/** A target as bench/report.ts records it. */
interface ObservabilityTarget {
  readonly name: string;
  readonly kind: 'max';
  readonly value: number | null;
  readonly threshold: number;
  readonly met: boolean | null;
  readonly detail: string;
}

/** One target per light stage: tracing plus metrics ≤ 0.1 ms CPU per message. */
export function observabilityTargets(report: ObservabilityReport | undefined): ObservabilityTarget[] {
  return OBSERVED_STAGES.map((name) => {
    const stage = report?.stages.find((s) => s.stage === name);
    const value = stage ? stage.totalOverheadMs : null;
    return {
      name: `${name}: tracing and metrics overhead ≤ ${OBSERVABILITY_TARGET_MS} ms CPU per message`,
      kind: 'max',
      value,
      threshold: OBSERVABILITY_TARGET_MS,
      met: value === null ? null : value <= OBSERVABILITY_TARGET_MS,
      detail: stage ? `tracing on ${stage.cpuMsPerMsgTracingOn} ms − off ${stage.cpuMsPerMsgTracingOff} ms, plus metric fields ${stage.metricsOverheadMs} ms (best of ${stage.rounds} rounds of ${stage.messagesPerRun} messages)` : 'not measured',
    };
  });
}

/** The section of bench/report.md. */
export function renderObservabilityMarkdown(report: ObservabilityReport | undefined): string[] {
  if (!report) return [];
  const lines = ['', '## Cost of seeing (tracing and metrics)', '', '| stage | CPU ms/msg tracing off | CPU ms/msg tracing on | tracing ms/msg | metric fields ms/msg | total ms/msg |', '|---|---|---|---|---|---|'];
  for (const s of report.stages) {
    lines.push(`| ${s.stage} | ${s.cpuMsPerMsgTracingOff} | ${s.cpuMsPerMsgTracingOn} | ${s.tracingOverheadMs} | ${s.metricsOverheadMs} | ${s.totalOverheadMs} |`);
  }
  lines.push('', 'Processor and log line in process, one message at a time; tracing on records every span and batch-exports it to a discarding exporter. Best of alternating rounds (docs/observability.md).');
  return lines;
}

