import type { PipelineDefinition, SubscriptionSettings } from '../../toolkit/core/pipeline/types';

/** Options of `toyPipeline`. */
export interface ToyPipelineOptions {
  /** Pipeline name and prefix of every resource name (unique per test file). */
  readonly name: string;
  /** Key of the one stage. */
  readonly stage: string;
  readonly entryPoint: string;
  readonly description?: string;
  readonly timeoutSeconds?: number;
  /** Settings of the stage's subscription (attempts, backoff, ordering). */
  readonly subscription?: SubscriptionSettings;
  /** Settings of the dead-letter pull subscription. */
  readonly deadLetters?: SubscriptionSettings;
}

/**
 * The smallest pipeline the runtime tests need: `input ─▶ [stage] ─▶ output`, failures ─▶ `dead`, with the pull
 * subscriptions `outputAll` and `deadAll`. Names come from `name`, so test files sharing one emulator project
 * never collide.
 */
export function toyPipeline(options: ToyPipelineOptions): PipelineDefinition {
  const { name } = options;
  return {
    name,
    ingress: 'input',
    deadLetter: 'dead',
    deadLetterSubscription: 'deadAll',
    topics: {
      input: { name: `${name}-input`, description: 'input' },
      output: { name: `${name}-output`, description: 'output', terminal: true },
      dead: { name: `${name}-dead`, description: 'dead letters', terminal: true },
    },
    stages: {
      [options.stage]: {
        description: options.description ?? options.stage,
        entryPoint: options.entryPoint,
        // Toy stages are handed to the runtime directly, never loaded from a module.
        source: `./${options.stage}`,
        consumes: 'input',
        routes: [{ to: 'output' }],
        timeoutSeconds: options.timeoutSeconds ?? 10,
        ...(options.subscription ? { subscription: options.subscription } : {}),
      },
    },
    subscriptions: {
      outputAll: { name: `${name}-output-all`, description: 'all output', topic: 'output' },
      deadAll: { name: `${name}-dead-all`, description: 'all dead letters', topic: 'dead', ...options.deadLetters },
    },
  };
}
