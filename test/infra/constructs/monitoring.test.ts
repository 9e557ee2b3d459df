import 'cdktf/lib/testing/adapters/jest';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { Testing } from 'cdktf';
import { PipelineAlertPolicies } from '../../../toolkit/infra/constructs/monitoring-alert-policies';
import { pipelineDashboard } from '../../../toolkit/infra/constructs/monitoring-dashboard-json';
import { logMetricName, PipelineLogMetrics, stageLogFilter } from '../../../toolkit/infra/constructs/monitoring-log-metrics';
import { AlertEmailChannel } from '../../../toolkit/infra/constructs/monitoring-notification-channel';
import { TraceWriters } from '../../../toolkit/infra/constructs/monitoring-trace-writers';
import { parse, resources } from '../support/synth';
import { TOPOLOGY } from '../support/topology';

Testing.setupJest();

const METRIC_TYPES = { messages: 'm', stageLatency: 's', endToEndLatency: 'e', modelTime: 't', batchSize: 'b' } as const;

describe('pipelineDashboard', () => {
  const tiles = (pipelineDashboard(TOPOLOGY, METRIC_TYPES)['mosaicLayout'] as { tiles: Array<{ xPos: number; yPos: number; width: number; height: number; widget: Record<string, unknown> }> }).tiles;

  it('keeps every chart inside the 48 columns and inside its group, without overlaps', () => {
    const groups = tiles.filter((t) => 'collapsibleGroup' in t.widget);
    const charts = tiles.filter((t) => !('collapsibleGroup' in t.widget));
    expect(groups).toHaveLength(Object.keys(TOPOLOGY.stages).length + 1);
    for (const chart of charts) {
      expect(chart.xPos + chart.width).toBeLessThanOrEqual(48);
      expect(groups.filter((g) => chart.yPos >= g.yPos && chart.yPos + chart.height <= g.yPos + g.height)).toHaveLength(1);
    }
    const cells = new Set<string>();
    for (const chart of charts) {
      const cell = `${chart.xPos},${chart.yPos}`;
      expect(cells.has(cell)).toBe(false);
      cells.add(cell);
    }
  });

  it('names the dashboard after the environment and the pipeline', () => {
    expect(pipelineDashboard(TOPOLOGY, METRIC_TYPES)['displayName']).toBe(`test ${TOPOLOGY.name} pipeline`);
  });
});

describe('PipelineLogMetrics', () => {
  it('declares five metrics on the stage functions log lines, named per environment', () => {
    const synthesised = Testing.synthScope((scope) => new PipelineLogMetrics(scope, 'metrics', { topology: TOPOLOGY }));
    expect(synthesised).toHaveResourceWithProperties(LoggingMetric, { name: logMetricName(TOPOLOGY, 'messages'), filter: stageLogFilter(TOPOLOGY) });
    expect(synthesised).toHaveResourceWithProperties(LoggingMetric, { name: `test-${TOPOLOGY.name}/e2e-latency`, value_extractor: 'EXTRACT(jsonPayload.e2eLatencyMs)' });
    expect(resources(parse(synthesised), 'google_logging_metric')).toHaveLength(5);
  });
});

describe('PipelineAlertPolicies', () => {
  it('notifies nobody when no channel is given, and carries the topology labels', () => {
    const synthesised = parse(Testing.synthScope((scope) => new PipelineAlertPolicies(scope, 'alerts', { project: 'p', topology: TOPOLOGY, oldestUnackedAlertSeconds: 120, notificationChannels: [] })));
    const policies = resources(synthesised, 'google_monitoring_alert_policy').map((r) => r.body);
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy['notification_channels']).toEqual([]);
      expect(policy['user_labels']).toEqual(TOPOLOGY.labels);
    }
  });
});

describe('AlertEmailChannel', () => {
  it('is an e-mail channel to the given address', () => {
    const synthesised = Testing.synthScope((scope) => new AlertEmailChannel(scope, 'email', { project: 'p', emailAddress: 'a@example.com', displayName: 'alerts', labels: { env: 'dev' } }));
    expect(synthesised).toHaveResourceWithProperties(MonitoringNotificationChannel, { type: 'email', labels: { email_address: 'a@example.com' }, user_labels: { env: 'dev' } });
  });
});

describe('TraceWriters', () => {
  it('grants each stage identity the Cloud Trace agent role and nothing else', () => {
    const synthesised = parse(Testing.synthScope((scope) => new TraceWriters(scope, 'trace', { project: 'p', members: { a: 'serviceAccount:a@p.iam.gserviceaccount.com', b: 'serviceAccount:b@p.iam.gserviceaccount.com' } })));
    const grants = resources(synthesised, 'google_project_iam_member').map((r) => [r.body['member'], r.body['role']]);
    expect(grants).toEqual([
      ['serviceAccount:a@p.iam.gserviceaccount.com', 'roles/cloudtrace.agent'],
      ['serviceAccount:b@p.iam.gserviceaccount.com', 'roles/cloudtrace.agent'],
    ]);
  });
});
