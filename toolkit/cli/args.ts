import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

/** Options shared by every command that talks to Pub/Sub. */
export const CONNECTION_OPTIONS = {
  cloud: { type: 'boolean', default: false },
  project: { type: 'string' },
  prefix: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/**
 * `util.parseArgs` in strict mode, with its errors turned into `UsageError`s that name the offending flag
 * (an unknown flag is an error, never silently ignored).
 */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    throw new UsageError(message);
  }
}

/** Parses repeated `--attr key=value` flags. */
export function parseAttributes(values: readonly string[] | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const value of values ?? []) {
    const index = value.indexOf('=');
    if (index <= 0) throw new UsageError(`--attr "${value}": expected key=value`);
    attributes[value.slice(0, index)] = value.slice(index + 1);
  }
  return attributes;
}

/** Parses a positive integer flag. */
export function parsePositiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} "${value}": expected a positive whole number`);
  return Number(value);
}
