import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { Construct } from 'constructs';

/** Configuration of `AlertEmailChannel`. */
export interface AlertEmailChannelConfig {
  readonly project: string;
  /** Where alerts go. */
  readonly emailAddress: string;
  /** Shown in Cloud Monitoring's list of channels. */
  readonly displayName: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** An e-mail notification channel for the pipeline's alert policies (optional: `PIPELINE_ALERT_EMAIL`). */
export class AlertEmailChannel extends Construct {
  readonly channel: MonitoringNotificationChannel;
  /** The channel's resource name, for `notification_channels`. */
  readonly name: string;

  constructor(scope: Construct, id: string, config: AlertEmailChannelConfig) {
    super(scope, id);
    this.channel = new MonitoringNotificationChannel(this, 'channel', {
      project: config.project,
      type: 'email',
      displayName: config.displayName,
      labels: { email_address: config.emailAddress },
      userLabels: { ...config.labels },
    });
    this.name = this.channel.name;
  }
}
