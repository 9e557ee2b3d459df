import { compileFilter } from '../filter';
import { DeadLetterError } from './errors';
import type { DeadLetter } from './source';

/** Which dead letters a command acts on. Criteria combine with AND; the values of one criterion with OR. */
export interface Selection {
  /** Dead-letter messageIds (as `dlq list` shows them) or the original messageIds (`dlqSourceMessageId`). */
  readonly ids?: readonly string[];
  /** Reason codes: `dlqReason` values such as `INVALID_JSON`, or `RETRIES_EXHAUSTED`. */
  readonly reasons?: readonly string[];
  /** Stage keys. */
  readonly stages?: readonly string[];
  /** A Pub/Sub filter over the dead letter's attributes, e.g. `attributes.dlqReason = "INVALID_JSON"`. */
  readonly filter?: string;
}

/** True when the selection has no criterion, i.e. selects every dead letter. */
export function selectsAll(selection: Selection): boolean {
  return !selection.ids?.length && !selection.reasons?.length && !selection.stages?.length && !selection.filter?.trim();
}

/** Compiles a selection into a predicate; an invalid filter is a `DeadLetterError` naming the problem. */
export function compileSelection(selection: Selection): (deadLetter: DeadLetter) => boolean {
  let matchesFilter: (attributes: Readonly<Record<string, string>>) => boolean;
  try {
    matchesFilter = compileFilter(selection.filter ?? '');
  } catch (error) {
    throw new DeadLetterError(`invalid filter ${JSON.stringify(selection.filter)}: ${(error as Error).message}`, { cause: error });
  }
  const ids = selection.ids?.length ? new Set(selection.ids) : undefined;
  const reasons = selection.reasons?.length ? new Set(selection.reasons.map((r) => r.toUpperCase())) : undefined;
  const stages = selection.stages?.length ? new Set(selection.stages) : undefined;
  return (deadLetter) =>
    (!ids || ids.has(deadLetter.messageId) || (deadLetter.sourceMessageId !== undefined && ids.has(deadLetter.sourceMessageId))) &&
    (!reasons || reasons.has(deadLetter.reason)) &&
    (!stages || (deadLetter.stage !== undefined && stages.has(deadLetter.stage))) &&
    matchesFilter(deadLetter.attributes);
}
