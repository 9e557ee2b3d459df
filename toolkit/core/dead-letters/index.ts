/**
 * Dead letters: list them without consuming them, replay (redrive) them to the topic they came from, purge them.
 * Each operation takes a `PubSub` client and the compiled topology; the command line (`aipipe dlq`) only parses
 * flags and prints.
 */
export * from './defaults';
export * from './errors';
export * from './list';
export * from './page-token';
export * from './pulled-message';
export * from './purge';
export * from './rate-limit';
export * from './replay';
export * from './scan';
export * from './selection';
export * from './session';
export * from './source';
