import type { z } from 'zod';
import type { CompiledStage } from '../pipeline/topology';
import type { Logger } from './logger';
import type { ReceivedMessage } from './received-message';

/**
 * What a handler returns: the result body and the routing attributes it sets, typed from the stage's `sets` in
 * the pipeline definition when the stage is made with `defineStage(definition, key, ...)`.
 */
export interface StageOutput<Out, Attr extends string = string> {
  readonly data: Out;
  readonly attributes?: Partial<Record<Attr, string>>;
}

/** What a stage's loader receives: its compiled spec (settings, batching) and the process environment. */
export interface StageSetup {
  /** The stage as compiled from the definition: `environment`, `batching`, timeouts. */
  readonly stage: CompiledStage;
  /** The environment of the process, read once here at the edge (deployed: the function's variables). */
  readonly env: NodeJS.ProcessEnv;
}

/** What a handler receives besides its input. */
export interface StageContext<Deps> {
  /** Models and clients, loaded once per instance. */
  readonly deps: Deps;
  /** The delivered message (attributes, ids), for handlers that need more than the decoded input. */
  readonly message: ReceivedMessage;
  readonly correlationId: string;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * A stage: schemas, how to load its dependencies, and a pure handler. Decoding, validation, filtering, logging,
 * error mapping and the awaited republish are the runtime's (`createStageHandler`), never the handler's.
 */
export interface StageDefinition<In, Out, Deps, Attr extends string = string> {
  /** Key of the stage in the pipeline definition (filled in by the pipeline when it loads the stage's module). */
  readonly stage: string;
  readonly input: z.ZodType<In>;
  /** A human description of the expected input, used in error messages (e.g. `JSON {"text": string}`). */
  readonly expects: string;
  readonly output: z.ZodType<Out>;
  /**
   * Checks the message's attributes before its data is decoded (e.g. its content type) and says why the stage can
   * never handle it, or returns undefined. A problem dead-letters the message as UNSUPPORTED_CONTENT.
   */
  readonly contentProblem?: (attributes: Readonly<Record<string, string>>) => string | undefined;
  /** Loads models and clients; called once per instance and shared by concurrent requests. */
  readonly loadDependencies: (setup: StageSetup) => Promise<Deps>;
  readonly handle: (input: In, context: StageContext<Deps>) => Promise<StageOutput<Out, Attr>> | StageOutput<Out, Attr>;
}

/** A stage definition with its types erased, for registries of heterogeneous stages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStageDefinition = StageDefinition<any, any, any>;
