import type { PubSub } from '@google-cloud/pubsub';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type ReplaySummary } from '../../core/dead-letters';
import type { CompiledTopology } from '../../core/pipeline/topology';
import { DASHBOARD_DEFAULTS } from './defaults';

/**
 * A dead letter as the page shows it: every field `aipipe dlq list` describes, with `data` as text cut to a
 * preview and its full size in `dataBytes`.
 */
export type DeadLetterView = Omit<DeadLetter, 'pulled' | 'data'> & { readonly data: string; readonly dataBytes: number };

/** The dead letters as last read. */
export interface DeadLetterList {
  /** Dead letters in the subscription (at most `scanMax` are read; see `truncated`). */
  readonly total: number;
  readonly truncated: boolean;
  /** The oldest ones, at most `DASHBOARD_DEFAULTS.deadLettersShown`. */
  readonly items: readonly DeadLetterView[];
  /** When they were read, ms since the epoch; 0 before the first read. */
  readonly readAtMillis: number;
  /** Why the last read failed, if it did. */
  readonly error?: string;
}

/** Reads and replays the dead letters with the same code as `aipipe dlq list` and `aipipe dlq replay`. */
export interface DeadLetterReader {
  latest(): DeadLetterList;
  /** Reads the dead letters again (serialised with replays: both hold the whole subscription while they work). */
  refresh(): Promise<DeadLetterList>;
  /** Replays one dead letter, by its messageId, as `aipipe dlq replay --id ID` does; then reads them again. */
  replay(messageId: string): Promise<ReplaySummary>;
  /** Resolves once the read or replay under way (if any) has handed its messages back. */
  settled(): Promise<void>;
}

const PREVIEW_BYTES = 2_048;

/** Creates the reader; `onRead` hears every successful read (the state records the subscription's backlog). */
export function createDeadLetterReader(pubsub: PubSub, topology: CompiledTopology, onRead: (list: DeadLetterList) => void): DeadLetterReader {
  let latest: DeadLetterList = { total: 0, truncated: false, items: [], readAtMillis: 0 };
  // One operation at a time: a read and a replay would each hold the messages the other needs.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const read = async (): Promise<DeadLetterList> => {
    try {
      const page = await listDeadLetters(pubsub, topology, { limit: DASHBOARD_DEFAULTS.deadLettersShown });
      latest = { total: page.remaining, truncated: page.truncated, items: page.deadLetters.map(view), readAtMillis: Date.now() };
      onRead(latest);
    } catch (error) {
      latest = { ...latest, error: `reading the dead letters failed: ${(error as Error).message}` };
    }
    return latest;
  };
  return {
    latest: () => latest,
    refresh: () => serial(read),
    replay: (messageId) =>
      serial(async () => {
        const summary = await replayDeadLetters(pubsub, topology, { selection: { ids: [messageId] } });
        await read();
        return summary;
      }),
    settled: () => queue.then(() => undefined),
  };
}

function view(deadLetter: DeadLetter): DeadLetterView {
  const { pulled: _pulled, data, ...rest } = deadLetter;
  return { ...rest, data: data.subarray(0, PREVIEW_BYTES).toString('utf8'), dataBytes: data.length };
}
