import { z } from 'zod';
import { describeZodError } from '../runtime/push-body';

/**
 * Every default of the pull worker, in one place, each with its reason. Environment variables (`WORKER_*`) and
 * command-line flags override them; see `parseWorkerConfig`.
 */
export const WORKER_DEFAULTS = {
  /**
   * Messages held at once (received and not yet acked or nacked). Enough for two full micro-batches of 32 while a
   * third is being published, so a batching stage never starves; few enough that a worker that dies hands back at
   * most this many messages for redelivery. The client library's own default (1,000) is sized for I/O-bound work.
   */
  maxMessages: 64,
  /**
   * Bytes held at once. 64 MiB stays well inside a 512 MiB instance with its model loaded, even if every held
   * message were large; the library's default (100 MiB) is not.
   */
  maxBytes: 64 * 1024 * 1024,
  /**
   * Streaming-pull streams per worker. One stream carries thousands of messages a second (the emulator: ~8,500/s),
   * more than one CPU-bound stage can process; the library's default of 5 only splits flow control across streams.
   */
  streams: 1,
} as const;

const positiveInt = (name: string, flag: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number (got a fraction); set ${flag}`)
    .positive(`${name} must be at least 1; set ${flag}`);

/** The pull worker's settings, from flags (which win) and `WORKER_*` environment variables. */
export const workerConfigSchema = z.object({
  /** Key of the stage in the pipeline definition. */
  stage: z.string({ error: 'the stage to run is missing: pass it as the first argument, e.g. `npm run worker -- language`' }).min(1),
  maxMessages: positiveInt('max outstanding messages', '--max-messages or WORKER_MAX_MESSAGES').default(WORKER_DEFAULTS.maxMessages),
  maxBytes: positiveInt('max outstanding bytes', '--max-bytes or WORKER_MAX_BYTES').default(WORKER_DEFAULTS.maxBytes),
  streams: positiveInt('streams', '--streams or WORKER_STREAMS').max(16, 'at most 16 streams; one carries thousands of messages a second').default(WORKER_DEFAULTS.streams),
  /**
   * How long a graceful stop may wait for in-flight messages; absent means the stage's `timeoutSeconds` (no
   * message may take longer than that anyway).
   */
  drainTimeoutSeconds: positiveInt('drain timeout', '--drain-timeout-seconds or WORKER_DRAIN_TIMEOUT_SECONDS').optional(),
});

/** The parsed worker settings. */
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Flags as parsed from the command line (strings), before validation. */
export interface WorkerFlags {
  readonly stage?: string;
  readonly 'max-messages'?: string;
  readonly 'max-bytes'?: string;
  readonly streams?: string;
  readonly 'drain-timeout-seconds'?: string;
}

/** The command-line flags of the worker, for `util.parseArgs`. */
export const WORKER_FLAG_OPTIONS = {
  'max-messages': { type: 'string' },
  'max-bytes': { type: 'string' },
  streams: { type: 'string' },
  'drain-timeout-seconds': { type: 'string' },
} as const;

/** Usage of the worker's own flags (shared by `npm run worker` and `aipipe worker`). */
export const WORKER_FLAGS_USAGE = `  --max-messages N        messages held at once (flow control; default ${WORKER_DEFAULTS.maxMessages}, env WORKER_MAX_MESSAGES)
  --max-bytes N           bytes held at once (flow control; default ${WORKER_DEFAULTS.maxBytes}, env WORKER_MAX_BYTES)
  --streams N             streaming-pull streams (default ${WORKER_DEFAULTS.streams}, env WORKER_STREAMS)
  --drain-timeout-seconds S   on SIGTERM, wait at most S s for in-flight messages (default: the stage's timeout,
                          env WORKER_DRAIN_TIMEOUT_SECONDS)`;

/**
 * Parses the worker's settings once, at the edge: a flag wins over its environment variable, which wins over
 * `WORKER_DEFAULTS`. Fails with a message naming the flag and the variable to fix.
 */
export function parseWorkerConfig(flags: WorkerFlags, env: NodeJS.ProcessEnv): WorkerConfig {
  const pick = (flag: string | undefined, variable: string): string | undefined => {
    const value = flag ?? env[variable];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const parsed = workerConfigSchema.safeParse({
    stage: flags.stage,
    maxMessages: pick(flags['max-messages'], 'WORKER_MAX_MESSAGES'),
    maxBytes: pick(flags['max-bytes'], 'WORKER_MAX_BYTES'),
    streams: pick(flags.streams, 'WORKER_STREAMS'),
    drainTimeoutSeconds: pick(flags['drain-timeout-seconds'], 'WORKER_DRAIN_TIMEOUT_SECONDS'),
  });
  if (!parsed.success) throw new Error(`invalid worker configuration: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
