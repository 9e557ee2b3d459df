/** Fields of a stage's per-message log line (toolkit/core/runtime/stage-handler.ts `logProcessed`). */
export interface HopLineFields {
  readonly stage: string;
  readonly outcome: string;
  readonly messageId: string;
  readonly correlationId: string;
  readonly time?: string;
  readonly latencyMs?: number;
  readonly [field: string]: unknown;
}

/** A stage's per-message log line as the runtime writes it. */
export function hopLine(fields: HopLineFields): string {
  return JSON.stringify({ severity: 'INFO', message: `${fields.outcome} ${fields.messageId}`, latencyMs: 10, time: '2026-11-30T10:00:00.000Z', attributes: {}, ...fields });
}
