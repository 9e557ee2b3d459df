/** Pipeline definitions (data), their types, and the compiler that makes the concrete topology. */
export * from './attributes';
export * from './compile';
export * from './defaults';
export * from './durations';
export * from './errors';
export * from './topology';
export * from './types';
