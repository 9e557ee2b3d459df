import { Cloudfunctions2Function } from '@cdktf/provider-google/lib/cloudfunctions2-function';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CLAIM_CHECK_ENV } from '../../core/claim-check/config';
import { IDEMPOTENCY_ENV } from '../../core/idempotency/config';
import type { CompiledStage } from '../../core/pipeline/topology';
import { INFRA_DEFAULTS } from '../defaults';

/**
 * Environment variables of every deployed stage. The runtime reads the project and prefix
 * (functions/runtime/environment.ts); the rest are for operators reading the console and for the logs.
 */
export const FUNCTION_ENV = {
  project: 'GOOGLE_CLOUD_PROJECT',
  prefix: 'PIPELINE_PREFIX',
  stage: 'PIPELINE_STAGE',
  /** JSON object: topic key → topic name, every topic the stage may publish to. */
  topics: 'PIPELINE_TOPICS',
  /** Cloud Functions adds the execution id to each log entry, so one message's lines can be grouped. */
  logExecutionId: 'LOG_EXECUTION_ID',
  /** Where the stage keeps its deduplication records (functions/idempotency/config.ts). */
  ...IDEMPOTENCY_ENV,
  /** The claim-check bucket for payloads too large for a message (functions/claim-check/config.ts). */
  claimCheckBucket: CLAIM_CHECK_ENV.bucket,
} as const;

/** Where a deployed stage keeps its deduplication records. */
export interface StageIdempotencySettings {
  /** Firestore database id. */
  readonly database: string;
  readonly collection: string;
  /** How long a completed message is remembered. */
  readonly windowSeconds: number;
}

/** Configuration of a `StageFunction`. */
export interface StageFunctionConfig {
  readonly stage: CompiledStage;
  readonly project: string;
  readonly prefix: string;
  readonly region: string;
  /** Names of the topics the stage may publish to, by topic key. */
  readonly publishesTo: Readonly<Record<string, string>>;
  /** Where the source archive is. */
  readonly sourceBucket: string;
  readonly sourceObject: string;
  /** The stage's own identity. */
  readonly serviceAccountEmail: string;
  /** Must exist first, e.g. the publisher grants, so the first messages are not refused. */
  readonly dependsOn?: ITerraformDependable[];
  /** Firestore deduplication; absent, the runtime's own default applies (Firestore `(default)` on Cloud). */
  readonly idempotency?: StageIdempotencySettings;
  /** Bucket for claim-check payloads; absent, payloads of any size travel in the message (up to 10 MB). */
  readonly claimCheckBucket?: string;
}

/**
 * A stage's Cloud Function (2nd gen): an HTTP function fed by the stage's push subscription.
 *
 * It has no `event_trigger` on purpose: an Eventarc trigger would make its own subscription, which Terraform
 * cannot give a dead-letter policy, a filter or ordering, and whose retries are off by default.
 */
export class StageFunction extends Construct {
  readonly resource: Cloudfunctions2Function;
  readonly name: string;
  /** The function's Cloud Run URL (`https://….run.app`), where Pub/Sub pushes. */
  readonly url: string;
  /** The Cloud Run service behind the function, `projects/<p>/locations/<r>/services/<name>`. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, config: StageFunctionConfig) {
    super(scope, id);
    const { stage } = config;
    this.resource = new Cloudfunctions2Function(this, 'function', {
      name: stage.functionName,
      location: config.region,
      description: stage.description,
      labels: { ...stage.labels },
      buildConfig: {
        runtime: INFRA_DEFAULTS.runtime,
        entryPoint: stage.entryPoint,
        source: { storageSource: { bucket: config.sourceBucket, object: config.sourceObject } },
        // onnxruntime-node's install script would download CUDA providers from NuGet, useless on Cloud Functions (no GPU);
        // its CPU binaries ship in the npm package. ONNXRUNTIME_NODE_INSTALL is the current switch (the _CUDA one is deprecated).
        environmentVariables: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
      },
      serviceConfig: {
        availableMemory: stage.availableMemory,
        availableCpu: stage.availableCpu,
        maxInstanceRequestConcurrency: stage.maxInstanceRequestConcurrency,
        minInstanceCount: stage.minInstanceCount,
        maxInstanceCount: stage.maxInstanceCount,
        timeoutSeconds: stage.timeoutSeconds,
        serviceAccountEmail: config.serviceAccountEmail,
        ingressSettings: INFRA_DEFAULTS.ingressSettings,
        allTrafficOnLatestRevision: true,
        environmentVariables: {
          // The stage's own settings from the definition first, so the runtime's variables below always win.
          ...stage.environment,
          [FUNCTION_ENV.project]: config.project,
          [FUNCTION_ENV.prefix]: config.prefix,
          [FUNCTION_ENV.stage]: stage.key,
          [FUNCTION_ENV.topics]: JSON.stringify(config.publishesTo),
          [FUNCTION_ENV.logExecutionId]: 'true',
          ...(config.idempotency
            ? {
                [FUNCTION_ENV.store]: 'firestore',
                [FUNCTION_ENV.database]: config.idempotency.database,
                [FUNCTION_ENV.collection]: config.idempotency.collection,
                [FUNCTION_ENV.windowSeconds]: String(config.idempotency.windowSeconds),
              }
            : {}),
          ...(config.claimCheckBucket ? { [FUNCTION_ENV.claimCheckBucket]: config.claimCheckBucket } : {}),
        },
      },
      ...(config.dependsOn?.length ? { dependsOn: config.dependsOn } : {}),
    });
    this.name = this.resource.name;
    this.url = this.resource.serviceConfig.uri;
    this.serviceName = this.resource.serviceConfig.service;
  }
}
