/**
 * The pipeline's Cloud Monitoring dashboard as `dashboard_json`, generated from the compiled topology: one
 * collapsible group per stage (its subscription, its function and the runtime's log-based metrics), then one for
 * the pull subscriptions (results, dead letters). Pure data, so tests read it without synthesising a stack.
 */
import type { CompiledStage, CompiledSubscription, CompiledTopology } from '../../core/pipeline/topology';
import { MONITORING_DEFAULTS } from '../monitoring-defaults';
import type { LogMetricTypes } from './monitoring-log-metrics';

/** One line of a chart: a filter and how its time series are aligned and combined. */
interface Series {
  readonly filter: string;
  readonly aligner: string;
  readonly reducer?: string;
  readonly groupBy?: readonly string[];
  readonly legend?: string;
}

/** A dashboard widget, as the Monitoring API takes it. */
type Widget = Record<string, unknown>;

/** A widget and where it sits on the 48-column mosaic. */
interface Tile {
  readonly xPos: number;
  readonly yPos: number;
  readonly width: number;
  readonly height: number;
  readonly widget: Widget;
}

const COLUMNS = 48;
const TILE = { width: 16, height: 12 } as const;
const PER_ROW = COLUMNS / TILE.width;

/** Filters on Pub/Sub and Cloud Run resources. */
export const monitoringFilters = {
  subscription: (metric: string, name: string): string => `metric.type="pubsub.googleapis.com/subscription/${metric}" AND resource.type="pubsub_subscription" AND resource.labels.subscription_id="${name}"`,
  cloudRun: (metric: string, service: string): string => `metric.type="run.googleapis.com/${metric}" AND resource.type="cloud_run_revision" AND resource.labels.service_name="${service}"`,
  logMetric: (type: string, stage: string): string => `metric.type="${type}" AND metric.labels.stage="${stage}"`,
};

function chart(title: string, series: readonly Series[], yLabel: string, plotType = 'LINE'): Widget {
  return {
    title,
    xyChart: {
      dataSets: series.map((s) => ({
        timeSeriesQuery: {
          timeSeriesFilter: {
            filter: s.filter,
            aggregation: {
              alignmentPeriod: MONITORING_DEFAULTS.chartAlignment,
              perSeriesAligner: s.aligner,
              ...(s.reducer ? { crossSeriesReducer: s.reducer } : {}),
              ...(s.groupBy ? { groupByFields: [...s.groupBy] } : {}),
            },
          },
        },
        plotType,
        ...(s.legend ? { legendTemplate: s.legend } : {}),
      })),
      yAxis: { label: yLabel, scale: 'LINEAR' },
    },
  };
}

const percentiles = (filter: string, what: string): Series[] => [
  { filter, aligner: 'ALIGN_PERCENTILE_50', reducer: 'REDUCE_MAX', legend: `${what} p50` },
  { filter, aligner: 'ALIGN_PERCENTILE_99', reducer: 'REDUCE_MAX', legend: `${what} p99` },
];

/** The charts of one stage, in reading order. */
export function stageWidgets(stage: CompiledStage, subscription: CompiledSubscription, metrics: LogMetricTypes): Widget[] {
  const { subscription: sub, cloudRun, logMetric } = monitoringFilters;
  const name = subscription.name;
  return [
    chart(`${stage.key}: push requests by response class`, [{ filter: sub('push_request_count', name), aligner: 'ALIGN_RATE', reducer: 'REDUCE_SUM', groupBy: ['metric.labels.response_class'] }], 'requests/s', 'STACKED_BAR'),
    chart(`${stage.key}: push latency`, percentiles(sub('push_request_latencies', name), 'push'), 'µs'),
    chart(`${stage.key}: backlog (undelivered messages)`, [{ filter: sub('num_undelivered_messages', name), aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX' }], 'messages'),
    chart(`${stage.key}: oldest unacked message age`, [{ filter: sub('oldest_unacked_message_age', name), aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX' }], 's'),
    chart(`${stage.key}: dead letters`, [
      { filter: sub('dead_letter_message_count', name), aligner: 'ALIGN_SUM', reducer: 'REDUCE_SUM', legend: 'after max delivery attempts' },
      { filter: `${logMetric(metrics.messages, stage.key)} AND metric.labels.outcome="dead-lettered"`, aligner: 'ALIGN_SUM', reducer: 'REDUCE_SUM', legend: 'by the stage (permanent errors)' },
    ], 'messages/min', 'STACKED_BAR'),
    chart(`${stage.key}: instances`, [{ filter: cloudRun('container/instance_count', stage.functionName), aligner: 'ALIGN_MAX', reducer: 'REDUCE_SUM', groupBy: ['metric.labels.state'] }], 'instances'),
    chart(`${stage.key}: container start-up latency`, percentiles(cloudRun('container/startup_latencies', stage.functionName), 'start-up'), 'ms'),
    chart(`${stage.key}: messages by outcome`, [{ filter: logMetric(metrics.messages, stage.key), aligner: 'ALIGN_RATE', reducer: 'REDUCE_SUM', groupBy: ['metric.labels.outcome'] }], 'messages/s', 'STACKED_BAR'),
    chart(`${stage.key}: stage and end-to-end latency`, [...percentiles(logMetric(metrics.stageLatency, stage.key), 'stage'), ...percentiles(logMetric(metrics.endToEndLatency, stage.key), 'end to end')], 'ms'),
    chart(`${stage.key}: model time and batch size`, [...percentiles(logMetric(metrics.modelTime, stage.key), 'model ms'), { filter: logMetric(metrics.batchSize, stage.key), aligner: 'ALIGN_PERCENTILE_50', reducer: 'REDUCE_MAX', legend: 'batch size p50' }], 'ms / items'),
  ];
}

/** Backlog and age of the pull subscriptions (results, dead letters): who reads the pipeline's output, and how far behind. */
export function pullWidgets(subscription: CompiledSubscription): Widget[] {
  const { subscription: sub } = monitoringFilters;
  return [
    chart(`${subscription.key}: backlog (undelivered messages)`, [{ filter: sub('num_undelivered_messages', subscription.name), aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX' }], 'messages'),
    chart(`${subscription.key}: oldest unacked message age`, [{ filter: sub('oldest_unacked_message_age', subscription.name), aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX' }], 's'),
  ];
}

/** Lays `widgets` out under a collapsible group titled `title`, from row `yPos`; returns the tiles and the next free row. */
function group(title: string, widgets: readonly Widget[], yPos: number): { tiles: Tile[]; next: number } {
  const rows = Math.ceil(widgets.length / PER_ROW);
  const height = rows * TILE.height;
  const tiles: Tile[] = [{ xPos: 0, yPos, width: COLUMNS, height, widget: { title, collapsibleGroup: { collapsed: false } } }];
  widgets.forEach((widget, i) => {
    tiles.push({ xPos: (i % PER_ROW) * TILE.width, yPos: yPos + Math.floor(i / PER_ROW) * TILE.height, width: TILE.width, height: TILE.height, widget });
  });
  return { tiles, next: yPos + height };
}

/** The dashboard for a compiled topology, as the object `dashboard_json` serialises. */
export function pipelineDashboard(topology: CompiledTopology, metrics: LogMetricTypes): Record<string, unknown> {
  const tiles: Tile[] = [];
  let y = 0;
  for (const stage of Object.values(topology.stages)) {
    const subscription = topology.subscriptions[stage.subscription];
    if (!subscription) throw new Error(`dashboard: stage "${stage.key}" names subscription "${stage.subscription}", which is not in the topology`);
    const placed = group(`Stage ${stage.key} (${stage.functionName}, ${subscription.name})`, stageWidgets(stage, subscription, metrics), y);
    tiles.push(...placed.tiles);
    y = placed.next;
  }
  const pulls = Object.values(topology.subscriptions).filter((s) => s.kind === 'pull' && !Object.values(topology.stages).some((stage) => stage.subscription === s.key));
  const placed = group('Results and dead letters', pulls.flatMap(pullWidgets), y);
  tiles.push(...placed.tiles);
  return {
    displayName: `${topology.prefix ? `${topology.prefix} ` : ''}${topology.name} pipeline`,
    mosaicLayout: { columns: COLUMNS, tiles },
  };
}
