/** The pipeline: its definition (data) and the compiler that makes the concrete topology. */
export * from './attributes';
export * from './compile';
export * from './defaults';
export * from '../../../functions/definition';
export * from './durations';
export * from './errors';
export * from './topology';
export * from './types';
