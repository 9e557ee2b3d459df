import 'cdktf/lib/testing/adapters/jest';
import { Cloudfunctions2Function } from '@cdktf/provider-google/lib/cloudfunctions2-function';
import { Testing } from 'cdktf';
import { StageFunction } from '../../../toolkit/infra/constructs/stage-function';
import { type Body, only, parse } from '../support/synth';
import { aStage, TOPOLOGY } from '../support/topology';

Testing.setupJest();

describe('StageFunction', () => {
  const stage = aStage();
  const publishesTo = Object.fromEntries(stage.publishesTo.map((key) => [key, TOPOLOGY.topics[key]?.name ?? '']));
  const synth = (): string =>
    Testing.synthScope(
      (scope) =>
        new StageFunction(scope, 'function', {
          stage,
          project: TOPOLOGY.project,
          prefix: TOPOLOGY.prefix,
          region: 'europe-west1',
          publishesTo,
          sourceBucket: 'source-bucket',
          sourceObject: 'function-source/abc.zip',
          serviceAccountEmail: 'fn@example-project.iam.gserviceaccount.com',
        }),
    );

  it('deploys the stage as a 2nd gen nodejs22 HTTP function sized from the topology', () => {
    const synthesised = synth();
    expect(synthesised).toHaveResourceWithProperties(Cloudfunctions2Function, {
      name: stage.functionName,
      location: 'europe-west1',
      build_config: {
        runtime: 'nodejs22',
        entry_point: stage.entryPoint,
        source: { storage_source: { bucket: 'source-bucket', object: 'function-source/abc.zip' } },
        // Cloud Build must not download onnxruntime's CUDA providers: there is no GPU.
        environment_variables: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
      },
    });
    const service = only(parse(synthesised), 'google_cloudfunctions2_function')['service_config'] as Body;
    expect(service).toMatchObject({
      available_memory: stage.availableMemory,
      available_cpu: stage.availableCpu,
      max_instance_request_concurrency: stage.maxInstanceRequestConcurrency,
      min_instance_count: stage.minInstanceCount,
      max_instance_count: stage.maxInstanceCount,
      timeout_seconds: stage.timeoutSeconds,
      service_account_email: 'fn@example-project.iam.gserviceaccount.com',
    });
  });

  it('tells the runtime its project, prefix, stage and topics', () => {
    const service = only(parse(synth()), 'google_cloudfunctions2_function')['service_config'] as Body;
    expect(service['environment_variables']).toEqual({
      GOOGLE_CLOUD_PROJECT: TOPOLOGY.project,
      PIPELINE_PREFIX: TOPOLOGY.prefix,
      PIPELINE_STAGE: stage.key,
      PIPELINE_TOPICS: JSON.stringify(publishesTo),
      LOG_EXECUTION_ID: 'true',
    });
  });

  it('tells the runtime where its idempotency records are, when given', () => {
    const synthesised = Testing.synthScope(
      (scope) =>
        new StageFunction(scope, 'function', {
          stage,
          project: TOPOLOGY.project,
          prefix: TOPOLOGY.prefix,
          region: 'europe-west1',
          publishesTo,
          sourceBucket: 'source-bucket',
          sourceObject: 'function-source/abc.zip',
          serviceAccountEmail: 'fn@example-project.iam.gserviceaccount.com',
          idempotency: { database: 'test-ai-inference-idempotency', collection: 'idempotency', windowSeconds: 600 },
        }),
    );
    const service = only(parse(synthesised), 'google_cloudfunctions2_function')['service_config'] as Body;
    expect(service['environment_variables']).toMatchObject({
      IDEMPOTENCY_STORE: 'firestore',
      IDEMPOTENCY_DATABASE: 'test-ai-inference-idempotency',
      IDEMPOTENCY_COLLECTION: 'idempotency',
      IDEMPOTENCY_WINDOW_SECONDS: '600',
    });
  });

  it('accepts internal traffic only and has no Eventarc trigger', () => {
    const body = only(parse(synth()), 'google_cloudfunctions2_function');
    expect((body['service_config'] as Body)['ingress_settings']).toBe('ALLOW_INTERNAL_ONLY');
    expect(body['event_trigger']).toBeUndefined();
  });
});
