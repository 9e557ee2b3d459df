/** One line of a JSONL file that parsed. */
export interface JsonlRecord {
  readonly line: number;
  readonly value: unknown;
}

/**
 * Parses JSON Lines, reporting every malformed line with its number (so a file is fixed in one go, and nothing
 * is published from a file that has errors). Blank lines are skipped.
 */
export function parseJsonl(text: string): { records: JsonlRecord[]; errors: string[] } {
  const records: JsonlRecord[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      records.push({ line: index + 1, value: JSON.parse(raw) });
    } catch (error) {
      errors.push(`line ${index + 1}: ${(error as Error).message}`);
    }
  });
  return { records, errors };
}
