import type { Construct } from 'constructs';
import { compileTopology } from '../core/pipeline/compile';
import { pipeline } from '../../functions/definition';
import type { CompiledTopology } from '../core/pipeline/topology';
import type { AppConfig, EnvironmentConfig } from './config';
import { type FunctionSourceRef, PipelineStack } from './stacks/pipeline-stack';

/**
 * The topology of one environment: the default pipeline compiled with the environment's project and prefix, and
 * an `env` label on every resource. The parity tests compile it the same way.
 */
export function topologyFor(environment: EnvironmentConfig): CompiledTopology {
  return compileTopology(pipeline, {
    project: environment.project,
    prefix: environment.prefix,
    labels: { env: environment.name },
  });
}

/** One `PipelineStack` per configured environment, each named after it (`cdktf deploy dev`). */
export function createStacks(app: Construct, config: AppConfig, functionSource: FunctionSourceRef): PipelineStack[] {
  return config.environments.map(
    (environment) =>
      new PipelineStack(app, environment.name, {
        environment,
        topology: topologyFor(environment),
        functionSource,
        statePrefix: config.statePrefix,
      }),
  );
}
