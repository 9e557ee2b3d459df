/** The stage runtime: one shared wrapper around every stage's pure handler. */
export * from './http-function';
export * from './errors';
export * from './limits';
export * from './logger';
export * from './outcome';
export * from './publisher';
export * from './push-body';
export * from './received-message';
export * from './stage-definition';
export * from './hooks';
export * from './idempotency-key';
export * from './stage-handler';
export * from './stage-processor';
