/**
 * Structured logging in Cloud Logging's JSON format: one line per entry on stdout, which Cloud Run / Cloud
 * Functions turn into a LogEntry with `severity`, `message`, trace and the remaining fields as jsonPayload.
 */

/** Cloud Logging severities the pipeline uses. */
export const SEVERITIES = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'] as const;
/** One of `SEVERITIES`. */
export type Severity = (typeof SEVERITIES)[number];

/** Fields of one structured entry. */
export type LogFields = Record<string, unknown>;

/** Where entries go; stdout in production, an array in unit tests. */
export type LogSink = (line: string) => void;

/** A structured logger bound to fixed fields. */
export interface Logger {
  log(severity: Severity, message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry. */
  child(fields: LogFields): Logger;
}

/** Writes one JSON line per entry to the sink (stdout by default). */
export function createLogger(base: LogFields = {}, sink: LogSink = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log = (severity: Severity, message: string, fields: LogFields = {}): void => {
    sink(JSON.stringify({ severity, message, ...base, ...fields, time: new Date().toISOString() }, errorReplacer));
  };
  return {
    log,
    info: (message, fields) => log('INFO', message, fields),
    warn: (message, fields) => log('WARNING', message, fields),
    error: (message, fields) => log('ERROR', message, fields),
    child: (fields) => createLogger({ ...base, ...fields }, sink),
  };
}

/** A logger that drops everything (for code paths whose logging a test does not care about). */
export const silentLogger: Logger = createLogger({}, () => undefined);

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZEROS = /^0+$/;

/**
 * The Cloud Logging trace fields for a W3C `traceparent`, so that all hops of one message show together in
 * Cloud Trace and the Logs Explorer. Empty when the header is absent or malformed.
 */
export function traceFields(traceparent: string | undefined, project: string): LogFields {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  // W3C: all-zero trace and span ids are invalid.
  if (!match || ALL_ZEROS.test(match[1] as string) || ALL_ZEROS.test(match[2] as string)) return {};
  return {
    'logging.googleapis.com/trace': `projects/${project}/traces/${match[1]}`,
    'logging.googleapis.com/spanId': match[2],
    // The sampled flag is the lowest bit of the flags byte (other bits may be set, e.g. 03).
    'logging.googleapis.com/trace_sampled': (parseInt(match[3] as string, 16) & 1) === 1,
  };
}
