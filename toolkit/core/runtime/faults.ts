import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RetryableError } from './errors';
import { noIdempotency, type IdempotencyStore } from './hooks';
import { describeZodError } from './push-body';
import type { StageDefinition } from './stage-definition';
import type { StageRuntime } from './stage-processor';

/**
 * Fault injection for resilience tests: `PIPELINE_FAULTS='{"nlp": {"retryableRate": 0.1}}'` makes the nlp
 * stage fail 10% of its deliveries with a retryable error before its handler runs. Off unless the variable is
 * set; the fault-injection run (`test/e2e/fault-injection.e2e.test.ts`) uses it on the local pipeline.
 */
export const faultsSchema = z.record(
  z.string(),
  z
    .object({
      /** Share of deliveries (0..1) that fail with a retryable error. */
      retryableRate: z.number().min(0, 'retryableRate must be ≥ 0').max(1, 'retryableRate must be ≤ 1').default(0),
      /**
       * Kill the process (SIGKILL: no drain, no answer) after the stage has published the result of a message with
       * one of these claim keys and before it records the message as completed: the worst moment to crash. Once per
       * key: a marker file in `markerDir` remembers the crash across the restart.
       */
      crashAfterPublish: z
        .object({
          keys: z.array(z.string().min(1)).min(1, 'crashAfterPublish.keys must name at least one claim key, e.g. "key:<idempotencyKey>"'),
          markerDir: z.string().min(1, 'crashAfterPublish.markerDir must be a directory path'),
        })
        .strict()
        .optional(),
    })
    .strict(),
);

/** Faults per stage key. */
export type Faults = z.infer<typeof faultsSchema>;

/** Parses `PIPELINE_FAULTS`; undefined when unset. Fails fast naming what is wrong. */
export function parseFaults(value: string | undefined): Faults | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new Error(`PIPELINE_FAULTS is not JSON (${(error as Error).message}); expected {"<stage>": {"retryableRate": 0.1}}`);
  }
  const parsed = faultsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`PIPELINE_FAULTS is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The stage with its configured faults injected in front of its handler; the stage itself if it has none. */
export function withFaults<In, Out, Deps, Attr extends string>(
  definition: StageDefinition<In, Out, Deps, Attr>,
  faults: Faults | undefined,
  random: () => number = Math.random,
): StageDefinition<In, Out, Deps, Attr> {
  const rate = faults?.[definition.stage]?.retryableRate ?? 0;
  if (rate <= 0) return definition;
  return {
    ...definition,
    handle: (input, context) => {
      if (random() < rate) throw new RetryableError(`injected fault in stage ${definition.stage} (PIPELINE_FAULTS retryableRate ${rate})`);
      return definition.handle(input, context);
    },
  };
}

/**
 * The idempotency store with the stage's `crashAfterPublish` fault: completing one of the listed keys for the
 * first time kills the process instead. The store itself when the stage has no such fault.
 */
export function withStoreFaults(store: IdempotencyStore, stage: string, faults: Faults | undefined, crash: () => void = () => process.kill(process.pid, 'SIGKILL')): IdempotencyStore {
  const fault = faults?.[stage]?.crashAfterPublish;
  if (!fault) return store;
  return {
    claim: (...args) => store.claim(...args),
    release: (...args) => store.release(...args),
    complete: async (...args) => {
      const [, key] = args;
      if (fault.keys.includes(key)) {
        const marker = join(fault.markerDir, createHash('sha256').update(`${stage}\n${key}`).digest('hex'));
        if (!existsSync(marker)) {
          mkdirSync(fault.markerDir, { recursive: true });
          writeFileSync(marker, `${stage} ${key}\n`);
          crash();
        }
      }
      return store.complete(...args);
    },
  };
}

/** A stage's runtime with the store faults PIPELINE_FAULTS asks for; the runtime itself when there are none. */
export function withRuntimeFaults(runtime: StageRuntime, stage: string, faults: Faults | undefined): StageRuntime {
  const idempotency = withStoreFaults(runtime.idempotency ?? noIdempotency, stage, faults);
  return idempotency === (runtime.idempotency ?? noIdempotency) ? runtime : { ...runtime, idempotency };
}
