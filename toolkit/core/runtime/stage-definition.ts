import type { z } from 'zod';
import type { AttributeKey } from '../pipeline/attributes';
import type { Logger } from './logger';
import type { ReceivedMessage } from './received-message';

/** What a handler returns: the result body and the routing attributes it sets. */
export interface StageOutput<Out> {
  readonly data: Out;
  readonly attributes?: Partial<Record<AttributeKey, string>>;
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
export interface StageDefinition<In, Out, Deps> {
  /** Key of the stage in the pipeline definition. */
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
  readonly loadDependencies: () => Promise<Deps>;
  readonly handle: (input: In, context: StageContext<Deps>) => Promise<StageOutput<Out>> | StageOutput<Out>;
}

/** A stage definition with its types erased, for registries of heterogeneous stages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStageDefinition = StageDefinition<any, any, any>;
