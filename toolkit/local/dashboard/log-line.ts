import { z } from 'zod';
import { OUTCOMES, type Outcome } from '../../core/runtime/outcome';

/**
 * One message handled by one stage, as the stage's structured log line says it (toolkit/core/runtime/stage-handler.ts
 * `logProcessed`: one line per delivered message, whatever its outcome).
 */
export interface Hop {
  readonly stage: string;
  readonly outcome: Outcome;
  readonly messageId: string;
  readonly correlationId: string;
  /** When the line was written (the end of the hop), ms since the epoch. */
  readonly timeMillis: number;
  /** Time the stage spent on the message, ms. */
  readonly latencyMs: number;
  readonly deliveryAttempt?: number;
  /** Where a `published` hop sent its result (topic name) and the id Pub/Sub gave it. */
  readonly outputTopic?: string;
  readonly outputMessageId?: string;
  readonly errorCode?: string;
  readonly error?: string;
  readonly deadLetterMessageId?: string;
  /** The filter of a `filtered` hop. */
  readonly filter?: string;
  /** The message's attributes as the stage received them. */
  readonly attributes: Readonly<Record<string, string>>;
}

const hopLine = z.object({
  stage: z.string().min(1),
  outcome: z.enum(OUTCOMES),
  messageId: z.string().min(1),
  correlationId: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  latencyMs: z.number().nonnegative(),
  deliveryAttempt: z.number().int().positive().optional(),
  outputTopic: z.string().optional(),
  outputMessageId: z.string().optional(),
  errorCode: z.string().optional(),
  error: z.string().optional(),
  deadLetterMessageId: z.string().optional(),
  filter: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

/**
 * The hop a stage's log line records, or undefined for any other line (start-up chatter, warnings, a line that is
 * not JSON or lacks a per-message field). Never throws: a stage's output is not ours to trust.
 */
export function parseHop(line: string): Hop | undefined {
  if (!line.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = hopLine.safeParse(json);
  if (!parsed.success) return undefined;
  const { time, attributes, ...rest } = parsed.data;
  return { ...rest, timeMillis: Date.parse(time), attributes: attributes ?? {} };
}
