/**
 * A filter Pub/Sub would refuse. The message reads
 * `Invalid filter at position N: expected X, found Y`, so it names both what was wrong and what would be right.
 */
export class FilterSyntaxError extends Error {
  /** 0-based offset into `filter` (a JavaScript string index, i.e. UTF-16 code units) where the problem starts. */
  readonly position: number;
  /** The filter text as given. */
  readonly filter: string;
  /** The message without the `Invalid filter at position N: ` lead. */
  readonly detail: string;

  constructor(filter: string, position: number, detail: string) {
    super(`Invalid filter at position ${position}: ${detail}`);
    this.name = new.target.name;
    this.filter = filter;
    this.position = position;
    this.detail = detail;
  }
}
