import { z } from 'zod';
import { RetryableError } from './errors';
import { describeZodError } from './push-body';
import type { StageDefinition } from './stage-definition';

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
