import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GcsBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { CompiledTopology } from '../../core/pipeline/topology';
import type { EnvironmentConfig } from '../config';
import { CLAIM_CHECK_DEFAULTS } from '../../core/claim-check/defaults';
import { ClaimCheckBucket, claimCheckBucketName } from '../constructs/claim-check-bucket';
import { CmekAccess } from '../constructs/cmek-access';
import { DeadLetterGrants } from '../constructs/dead-letter-grants';
import { IDEMPOTENCY_DEFAULTS } from '../../core/idempotency/defaults';
import { FunctionArchive } from '../constructs/function-archive';
import { IdempotencyDatabase } from '../constructs/idempotency-database';
import { PipelineAlertPolicies } from '../constructs/monitoring-alert-policies';
import { PipelineDashboard } from '../constructs/monitoring-dashboard';
import { PipelineLogMetrics } from '../constructs/monitoring-log-metrics';
import { AlertEmailChannel } from '../constructs/monitoring-notification-channel';
import { TraceWriters } from '../constructs/monitoring-trace-writers';
import { MONITORING_DEFAULTS } from '../monitoring-defaults';
import { PipelineOutputs } from '../constructs/pipeline-outputs';
import { PipelineStage } from '../constructs/pipeline-stage';
import { PipelineSubscription } from '../constructs/pipeline-subscription';
import { PipelineTopic } from '../constructs/pipeline-topic';
import { PubsubServiceAgent } from '../constructs/pubsub-service-agent';
import { SourceBucket } from '../constructs/source-bucket';
import { INFRA_DEFAULTS } from '../defaults';
import { ENVIRONMENTS } from '../environments';
import { idempotencyDatabaseId, sourceBucketName } from '../names';

/** A function source archive built by the function build (one per stage: only what that stage imports). */
export interface FunctionSourceRef {
  readonly zipPath: string;
  readonly sha256: string;
}

/** Configuration of a `PipelineStack`. */
export interface PipelineStackConfig {
  readonly environment: EnvironmentConfig;
  /** `compileTopology(pipeline, { project, prefix })` for this environment: every name comes from here. */
  readonly topology: CompiledTopology;
  /** Each stage's source archive, by stage key. Stages whose archives are identical share one uploaded object. */
  readonly functionSources: Readonly<Record<string, FunctionSourceRef>>;
  /** Prefix of the state object when `environment.stateBucket` is set. */
  readonly statePrefix: string;
}

/**
 * One environment of the pipeline: every topic, stage and subscription of the compiled topology, with the IAM
 * that makes push delivery and dead-lettering work. Composes constructs only.
 */
export class PipelineStack extends TerraformStack {
  readonly topics: Readonly<Record<string, PipelineTopic>>;
  readonly stages: Readonly<Record<string, PipelineStage>>;
  readonly pullSubscriptions: Readonly<Record<string, PipelineSubscription>>;
  readonly bucket: SourceBucket;
  readonly idempotency: IdempotencyDatabase;
  /** Where payloads too large for a message go (claim check); every stage may create and read objects in it. */
  readonly claimCheckBucket: ClaimCheckBucket;
  /** Log-based metrics on the stages' per-message log lines (docs/observability.md). */
  readonly logMetrics: PipelineLogMetrics;
  /** The pipeline's Cloud Monitoring dashboard, one group per stage. */
  readonly dashboard: PipelineDashboard;
  /** Dead letters, oldest unacked message age, push error ratio. */
  readonly alerts: PipelineAlertPolicies;

  constructor(scope: Construct, id: string, config: PipelineStackConfig) {
    super(scope, id);
    const { environment, topology } = config;
    if (topology.project !== environment.project || topology.prefix !== environment.prefix) {
      throw new Error(`stack ${id}: topology was compiled for ${topology.project}/${topology.prefix}, not ${environment.project}/${environment.prefix}`);
    }

    new GoogleProvider(this, 'google', { project: environment.project, region: environment.region });
    if (environment.stateBucket) {
      new GcsBackend(this, { bucket: environment.stateBucket, prefix: `${config.statePrefix}/${topology.name}/${environment.name}` });
    }

    const agent = new PubsubServiceAgent(this, 'pubsub-service-agent', { project: environment.project });
    const cmek = environment.kmsKeyName
      ? new CmekAccess(this, 'cmek', { project: environment.project, kmsKeyName: environment.kmsKeyName, pubsubServiceAgentMember: agent.member })
      : undefined;

    this.topics = mapValues(topology.topics, (topic) =>
      new PipelineTopic(this, `topic-${topic.key}`, {
        topic,
        kmsKeyName: environment.kmsKeyName,
        dependsOn: cmek ? [cmek.pubsubGrant] : [],
      }),
    );
    const topicIds = mapValues(this.topics, (topic) => topic.id);

    this.bucket = new SourceBucket(this, 'source-bucket', {
      name: sourceBucketName(environment.project, environment.prefix, topology.name),
      location: environment.region,
      labels: topology.labels,
      maxAgeDays: INFRA_DEFAULTS.sourceArchiveMaxAgeDays,
      forceDestroy: ENVIRONMENTS[environment.name].forceDestroy,
      kmsKeyName: environment.kmsKeyName,
      dependsOn: cmek ? [cmek.storageGrant] : [],
    });
    // One object per distinct archive: two stages that run the same code (same sha256) share it, as two
    // resources must not manage one object name.
    const archives = new Map<string, FunctionArchive>();
    const archiveOf = (stageKey: string): FunctionArchive => {
      const source = config.functionSources[stageKey];
      if (!source) throw new Error(`no function source archive for stage "${stageKey}" (archives for: ${Object.keys(config.functionSources).join(', ')})`);
      let archive = archives.get(source.sha256);
      if (!archive) {
        archive = new FunctionArchive(this, `function-source-${stageKey}`, {
          bucket: this.bucket.name,
          zipPath: source.zipPath,
          sha256: source.sha256,
          objectPrefix: INFRA_DEFAULTS.sourceObjectPrefix,
        });
        archives.set(source.sha256, archive);
      }
      return archive;
    };

    this.idempotency = new IdempotencyDatabase(this, 'idempotency', {
      project: environment.project,
      name: idempotencyDatabaseId(environment.prefix, topology.name),
      locationId: environment.region,
      collection: IDEMPOTENCY_DEFAULTS.collection,
      forceDestroy: ENVIRONMENTS[environment.name].forceDestroy,
    });

    this.claimCheckBucket = new ClaimCheckBucket(this, 'claim-check-bucket', {
      name: claimCheckBucketName(environment.project, environment.prefix, topology.name),
      location: environment.region,
      labels: topology.labels,
      maxAgeDays: CLAIM_CHECK_DEFAULTS.objectMaxAgeDays,
      forceDestroy: ENVIRONMENTS[environment.name].forceDestroy,
      kmsKeyName: environment.kmsKeyName,
      dependsOn: cmek ? [cmek.storageGrant] : [],
    });

    this.stages = mapValues(topology.stages, (stage) =>
      new PipelineStage(this, `stage-${stage.key}`, {
        topology,
        stageKey: stage.key,
        region: environment.region,
        topicIds,
        sourceBucket: archiveOf(stage.key).bucket,
        sourceObject: archiveOf(stage.key).objectName,
        pubsubServiceAgentMember: agent.member,
        idempotency: { database: this.idempotency.name, collection: this.idempotency.collection, windowSeconds: IDEMPOTENCY_DEFAULTS.windowSeconds },
        claimCheckBucket: this.claimCheckBucket.name,
      }),
    );
    for (const stage of Object.values(this.stages)) this.claimCheckBucket.allowReadWrite(stage.stage.key, stage.serviceAccount.member);
    // Granted after the functions are defined (they need no Firestore to deploy): until IAM has propagated, claims
    // fail and messages are retried, never lost.
    for (const stage of Object.values(this.stages)) this.idempotency.allowReadWrite(stage.stage.key, stage.serviceAccount.member);

    const pull = Object.values(topology.subscriptions).filter((s) => s.kind === 'pull');
    this.pullSubscriptions = Object.fromEntries(
      pull.map((subscription) => [
        subscription.key,
        new PipelineSubscription(this, `subscription-${subscription.key}`, {
          subscription,
          topicId: topicIds[subscription.topic] as string,
          deadLetterTopicId: subscription.deadLetterPolicy ? topicIds[subscription.deadLetterPolicy.deadLetterTopic] : undefined,
        }),
      ]),
    );

    const allSubscriptions = [...Object.values(this.stages).map((s) => s.subscription), ...Object.values(this.pullSubscriptions)];
    new DeadLetterGrants(this, 'dead-letter-grants', {
      serviceAgentMember: agent.member,
      deadLetterTopicId: topicIds[topology.deadLetter] as string,
      subscriptionIds: Object.fromEntries(
        allSubscriptions.filter((s) => s.subscription.deadLetterPolicy).map((s) => [s.subscription.key, s.id]),
      ),
    });

    // Deployed stages send their spans to Cloud Trace (toolkit/core/runtime/tracing-setup.ts).
    new TraceWriters(this, 'trace-writers', { project: environment.project, members: mapValues(this.stages, (s) => s.serviceAccount.member) });
    this.logMetrics = new PipelineLogMetrics(this, 'log-metrics', { topology });
    this.dashboard = new PipelineDashboard(this, 'dashboard', {
      project: environment.project,
      topology,
      logMetrics: this.logMetrics.types,
      // A chart of a log-based metric that does not exist yet is refused.
      dependsOn: Object.values(this.logMetrics.metrics),
    });
    const alertEmail = environment.alertEmail
      ? new AlertEmailChannel(this, 'alert-email', { project: environment.project, emailAddress: environment.alertEmail, displayName: `${environment.prefix} ${topology.name} pipeline alerts`, labels: topology.labels })
      : undefined;
    this.alerts = new PipelineAlertPolicies(this, 'alerts', {
      project: environment.project,
      topology,
      oldestUnackedAlertSeconds: environment.oldestUnackedAlertSeconds ?? MONITORING_DEFAULTS.oldestUnackedAlertSeconds,
      notificationChannels: alertEmail ? [alertEmail.name] : [],
    });

    const deadLetterSubscription = this.pullSubscriptions[topology.deadLetterSubscription];
    if (!deadLetterSubscription) throw new Error(`stack ${id}: the dead-letter subscription "${topology.deadLetterSubscription}" is not a pull subscription`);
    new PipelineOutputs(this, 'outputs', {
      topicNames: mapValues(this.topics, (t) => t.name),
      subscriptionNames: Object.fromEntries(allSubscriptions.map((s) => [s.subscription.key, s.name])),
      functionNames: mapValues(this.stages, (s) => s.function.name),
      functionUrls: mapValues(this.stages, (s) => s.function.url),
      sourceBucket: this.bucket.name,
      deadLetterSubscription: deadLetterSubscription.name,
    });
  }
}

/** `{k: v}` → `{k: f(v)}`, keeping key order. */
function mapValues<T, U>(record: Readonly<Record<string, T>>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}
