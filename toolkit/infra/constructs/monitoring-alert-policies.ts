import { MonitoringAlertPolicy, type MonitoringAlertPolicyConditions } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Construct } from 'constructs';
import type { CompiledTopology } from '../../core/pipeline/topology';
import { MONITORING_DEFAULTS } from '../monitoring-defaults';

/** Configuration of `PipelineAlertPolicies`. */
export interface PipelineAlertPoliciesConfig {
  readonly project: string;
  readonly topology: CompiledTopology;
  /** Alert when a stage's oldest unacknowledged message is older than this. */
  readonly oldestUnackedAlertSeconds: number;
  /** Resource names of the notification channels to alert; none: the incidents show in Cloud Monitoring only. */
  readonly notificationChannels: readonly string[];
}

/** `resource.labels.<label> = one_of("a", "b")`: one condition covers every stage. */
function oneOf(label: string, values: readonly string[]): string {
  return `resource.labels.${label} = one_of(${values.map((v) => `"${v}"`).join(', ')})`;
}

/**
 * The pipeline's three alert policies, generated from the topology:
 * - any dead letter in the last 5 minutes (published by a stage, or moved by a subscription's dead-letter policy);
 * - a stage's oldest unacknowledged message older than the configured age (a stuck or failing stage);
 * - push requests not acknowledged above 1% (5xx, timeouts, unreachable function), per subscription.
 */
export class PipelineAlertPolicies extends Construct {
  readonly deadLetters: MonitoringAlertPolicy;
  readonly oldestUnacked: MonitoringAlertPolicy;
  readonly pushErrors: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, config: PipelineAlertPoliciesConfig) {
    super(scope, id);
    const { topology } = config;
    const label = `${topology.prefix ? `${topology.prefix} ` : ''}${topology.name}`;
    const stageSubscriptions = Object.values(topology.stages).map((stage) => topology.subscriptions[stage.subscription]?.name ?? stage.subscription);
    const pushSubscriptions = Object.values(topology.subscriptions).filter((s) => s.kind === 'push').map((s) => s.name);
    const deadLetterTopic = topology.topics[topology.deadLetter]?.name ?? topology.deadLetter;
    const window = MONITORING_DEFAULTS.alertWindow;
    const common = {
      project: config.project,
      combiner: 'OR',
      notificationChannels: [...config.notificationChannels],
      userLabels: { ...topology.labels },
      alertStrategy: { autoClose: MONITORING_DEFAULTS.autoClose },
    };
    const policy = (key: string, displayName: string, documentation: string, conditions: MonitoringAlertPolicyConditions[]): MonitoringAlertPolicy =>
      new MonitoringAlertPolicy(this, key, { ...common, displayName: `${label}: ${displayName}`, documentation: { content: documentation, mimeType: 'text/markdown' }, conditions });

    this.deadLetters = policy(
      'dead-letters',
      'dead letters',
      `A message of the ${label} pipeline was dead-lettered in the last 5 minutes. List them with \`aipipe dlq list\` (reason in \`dlqReason\`), fix the cause, then \`aipipe dlq replay\`.`,
      [
        {
          // The stages' own dead letters: a publish request to the dead-letter topic carries at least one.
          displayName: `publish requests to ${deadLetterTopic}`,
          conditionThreshold: {
            filter: `metric.type="pubsub.googleapis.com/topic/send_request_count" AND resource.type="pubsub_topic" AND resource.labels.topic_id="${deadLetterTopic}" AND metric.labels.response_class="success"`,
            aggregations: [{ alignmentPeriod: window, perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' }],
            comparison: 'COMPARISON_GT',
            thresholdValue: 0,
            duration: '0s',
          },
        },
        {
          displayName: 'messages dead-lettered by a subscription policy',
          conditionThreshold: {
            filter: `metric.type="pubsub.googleapis.com/subscription/dead_letter_message_count" AND resource.type="pubsub_subscription" AND ${oneOf('subscription_id', stageSubscriptions)}`,
            aggregations: [{ alignmentPeriod: window, perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['resource.labels.subscription_id'] }],
            comparison: 'COMPARISON_GT',
            thresholdValue: 0,
            duration: '0s',
          },
        },
      ],
    );

    this.oldestUnacked = policy(
      'oldest-unacked',
      `oldest unacked message older than ${config.oldestUnackedAlertSeconds} s`,
      `A stage of the ${label} pipeline has held a message unacknowledged for more than ${config.oldestUnackedAlertSeconds} s: the stage is stuck, failing or too slow for its load. Check its errors in the logs and its instance count on the dashboard.`,
      [
        {
          displayName: 'oldest unacked message age of a stage subscription',
          conditionThreshold: {
            filter: `metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.type="pubsub_subscription" AND ${oneOf('subscription_id', stageSubscriptions)}`,
            aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MAX', crossSeriesReducer: 'REDUCE_MAX', groupByFields: ['resource.labels.subscription_id'] }],
            comparison: 'COMPARISON_GT',
            thresholdValue: config.oldestUnackedAlertSeconds,
            duration: '60s',
          },
        },
      ],
    );

    const pushFilter = `metric.type="pubsub.googleapis.com/subscription/push_request_count" AND resource.type="pubsub_subscription" AND ${oneOf('subscription_id', pushSubscriptions)}`;
    const perSubscription = [{ alignmentPeriod: window, perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['resource.labels.subscription_id'] }];
    this.pushErrors = policy(
      'push-errors',
      `push error ratio above ${MONITORING_DEFAULTS.pushErrorRatio * 100}%`,
      `More than ${MONITORING_DEFAULTS.pushErrorRatio * 100}% of the push requests to a stage of the ${label} pipeline were not acknowledged in the last 5 minutes (retries: 5xx, timeouts, unreachable function). Its log lines with outcome "retry" say why.`,
      [
        {
          displayName: 'share of push requests not acknowledged',
          conditionThreshold: {
            filter: `${pushFilter} AND metric.labels.response_class != "ack"`,
            aggregations: perSubscription,
            denominatorFilter: pushFilter,
            denominatorAggregations: perSubscription,
            comparison: 'COMPARISON_GT',
            thresholdValue: MONITORING_DEFAULTS.pushErrorRatio,
            duration: '0s',
          },
        },
      ],
    );
  }
}
