import { createPipeline } from '../toolkit/core';
import { definition } from './definition';

/**
 * The example pipeline: what `npm start`, the pull worker, `aipipe`, the benchmark, the function build and the
 * CDKTF app run. Stage modules are found from this file's folder (`source` in the definition).
 */
export const pipeline = createPipeline({ definition, file: __filename });
