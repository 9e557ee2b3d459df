/**
 * Defaults of the pipeline's dashboard, log-based metrics and alert policies, each with its reason
 * (docs/observability.md).
 */
export const MONITORING_DEFAULTS = {
  /**
   * Alert when a stage's subscription holds a message unacknowledged for longer than this: ten minutes is well past
   * the longest stage timeout plus a few retries with backoff, so it means a stage is stuck or failing, not slow.
   */
  oldestUnackedAlertSeconds: 600,
  /** Alert when more than this share of push requests is not acknowledged (5xx, timeouts, unreachable). */
  pushErrorRatio: 0.01,
  /** Window of the dead-letter and error-ratio alerts: "any dead letter in the last 5 minutes". */
  alertWindow: '300s',
  /** Alignment of the dashboard's charts: one point a minute is Cloud Monitoring's finest for Pub/Sub metrics. */
  chartAlignment: '60s',
  /** Close an incident a day after its condition cleared, if nobody did; keeps the incident list honest. */
  autoClose: '86400s',
} as const;
