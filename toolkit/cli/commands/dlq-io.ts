import { DeadLetterError } from '../../core/dead-letters/errors';
import type { Selection } from '../../core/dead-letters/selection';
import { CommandError, UsageError } from '../usage-error';

/** Where a `dlq` command reads and writes; the process's streams by default, fakes in tests. */
export interface DlqIo {
  readonly out: NodeJS.WritableStream;
  /** Progress bars and prompts go here, and only when it is a terminal. */
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where `purge` reads its confirmation. */
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The process's own streams. */
export function processIo(): DlqIo {
  return { out: process.stdout, err: process.stderr, input: process.stdin };
}

/** Flags that select dead letters, shared by `list` and `replay`. */
export const SELECTION_OPTIONS = {
  id: { type: 'string', multiple: true },
  reason: { type: 'string', multiple: true },
  stage: { type: 'string', multiple: true },
  filter: { type: 'string' },
} as const;

/** Selection flags → `Selection`; a stage the pipeline does not have is a usage error. */
export function selectionFrom(values: { id?: string[]; reason?: string[]; stage?: string[]; filter?: string }, stageKeys: readonly string[]): Selection {
  for (const stage of values.stage ?? []) {
    if (!stageKeys.includes(stage)) throw new UsageError(`--stage "${stage}": unknown stage; expected one of ${stageKeys.join(', ')}`);
  }
  return {
    ...(values.id?.length ? { ids: values.id } : {}),
    ...(values.reason?.length ? { reasons: values.reason } : {}),
    ...(values.stage?.length ? { stages: values.stage } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
  };
}

/** Parses a positive number flag (`--rate 0.5` is allowed). */
export function parsePositiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(number > 0)) throw new UsageError(`--${name} "${value}": expected a positive number`);
  return number;
}

/** Runs a dead-letter operation, turning its `DeadLetterError`s into command errors (exit code 1). */
export async function asCommand<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof DeadLetterError) throw new CommandError(error.message, { cause: error });
    throw error;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Message data for JSON output: parsed JSON, else UTF-8 text, else base64 under `dataBase64`. */
export function dataForJson(data: Buffer): { data: unknown } | { dataBase64: string } {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return { dataBase64: data.toString('base64') };
  }
  try {
    return { data: JSON.parse(text) as unknown };
  } catch {
    return { data: text };
  }
}

/** Lays rows out in columns under a header, each column as wide as its widest cell (cells cut at `maxWidth`). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = 40): string {
  const cut = (cell: string): string => {
    const chars = [...cell];
    return chars.length > maxWidth ? `${chars.slice(0, maxWidth - 1).join('')}…` : cell;
  };
  const cells = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => [...(row[column] ?? '')].length)));
  return cells
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '))
    .join('\n');
}
