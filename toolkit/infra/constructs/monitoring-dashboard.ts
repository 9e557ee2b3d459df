import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CompiledTopology } from '../../core/pipeline/topology';
import { pipelineDashboard } from './monitoring-dashboard-json';
import type { LogMetricTypes } from './monitoring-log-metrics';

/** Configuration of `PipelineDashboard`. */
export interface PipelineDashboardConfig {
  readonly project: string;
  readonly topology: CompiledTopology;
  /** The log-based metrics' types (`PipelineLogMetrics.types`). */
  readonly logMetrics: LogMetricTypes;
  /** Created after these (the log-based metrics the charts read). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The pipeline's Cloud Monitoring dashboard, generated from the topology (monitoring-dashboard-json.ts). */
export class PipelineDashboard extends Construct {
  readonly dashboard: MonitoringDashboard;
  /** The dashboard as it is sent, for tests and docs. */
  readonly json: Record<string, unknown>;

  constructor(scope: Construct, id: string, config: PipelineDashboardConfig) {
    super(scope, id);
    this.json = pipelineDashboard(config.topology, config.logMetrics);
    this.dashboard = new MonitoringDashboard(this, 'dashboard', {
      project: config.project,
      dashboardJson: JSON.stringify(this.json),
      dependsOn: [...(config.dependsOn ?? [])],
    });
  }
}
