import type { Construct } from 'constructs';
import type { Pipeline } from '../core/pipeline-app/create-pipeline';
import type { CompiledTopology } from '../core/pipeline/topology';
import type { AppConfig, EnvironmentConfig } from './config';
import { type FunctionSourceRef, PipelineStack } from './stacks/pipeline-stack';

/**
 * The topology of one environment: the pipeline compiled with the environment's project and prefix, and an `env`
 * label on every resource. The parity tests compile it the same way.
 */
export function topologyFor(pipeline: Pipeline, environment: EnvironmentConfig): CompiledTopology {
  return pipeline.compile({
    project: environment.project,
    prefix: environment.prefix,
    labels: { env: environment.name },
  });
}

/** One `PipelineStack` per configured environment, each named after it (`cdktf deploy dev`). */
export function createStacks(
  app: Construct,
  pipeline: Pipeline,
  config: AppConfig,
  functionSources: Readonly<Record<string, FunctionSourceRef>>,
): PipelineStack[] {
  return config.environments.map(
    (environment) =>
      new PipelineStack(app, environment.name, {
        environment,
        topology: topologyFor(pipeline, environment),
        functionSources,
        statePrefix: config.statePrefix,
      }),
  );
}
