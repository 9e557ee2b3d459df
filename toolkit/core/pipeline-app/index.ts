/** A user's pipeline: `createPipeline` and `defineStage`, what a pipeline's own code needs from the toolkit. */
export * from './create-pipeline';
export * from './define-stage';
export * from './stage-module';
