/**
 * The dashboard, alert policies, log-based metrics and notification channel of every synthesised stack, checked
 * against a topology compiled independently of the app's wiring: every stage and subscription is watched, and
 * nothing is watched that the topology does not have.
 */
import { MONITORING_DEFAULTS } from '../../../toolkit/infra/monitoring-defaults';
import { type Body, only, resources, type SynthJson, stackCases, type StackCase, target } from '../support/synth';

let cases: StackCase[];

beforeAll(() => {
  // Prepare: synthesise every stack once; compile the topology independently of the app's own wiring.
  cases = stackCases();
});

interface Tile {
  readonly widget: { readonly title: string; readonly xyChart?: { readonly dataSets: Array<{ timeSeriesQuery: { timeSeriesFilter: { filter: string } } }> } };
}

const dashboardOf = (json: SynthJson): { displayName: string; mosaicLayout: { tiles: Tile[] } } => JSON.parse(only(json, 'google_monitoring_dashboard')['dashboard_json'] as string);
const filtersOf = (tiles: readonly Tile[]): string[] => tiles.flatMap((t) => t.widget.xyChart?.dataSets.map((d) => d.timeSeriesQuery.timeSeriesFilter.filter) ?? []);
const quoted = (filter: string, label: string): string[] => [...filter.matchAll(new RegExp(`${label.replace(/\./g, '\\.')}="([^"]+)"`, 'g'))].map((m) => m[1] as string);

describe.each(['dev', 'prod'])('%s stack monitoring', (env) => {
  const current = (): StackCase => {
    const found = cases.find((c) => c.environment.name === env);
    if (!found) throw new Error(`no ${env} stack`);
    return found;
  };

  it('has a dashboard with a group and the full set of charts for every stage', () => {
    const { json, topology } = current();
    const { tiles } = dashboardOf(json).mosaicLayout;
    const titles = tiles.map((t) => t.widget.title);
    for (const stage of Object.values(topology.stages)) {
      const subscription = topology.subscriptions[stage.subscription]?.name as string;
      expect(titles).toContain(`Stage ${stage.key} (${stage.functionName}, ${subscription})`);
      for (const chart of ['push requests by response class', 'push latency', 'backlog (undelivered messages)', 'oldest unacked message age', 'dead letters', 'instances', 'container start-up latency', 'messages by outcome']) {
        expect(titles).toContain(`${stage.key}: ${chart}`);
      }
    }
  });

  it('charts exactly the topology subscriptions and functions, results and dead letters included', () => {
    const { json, topology } = current();
    const filters = filtersOf(dashboardOf(json).mosaicLayout.tiles);
    const subscriptions = new Set(filters.flatMap((f) => quoted(f, 'resource.labels.subscription_id')));
    const services = new Set(filters.flatMap((f) => quoted(f, 'resource.labels.service_name')));
    expect([...subscriptions].sort()).toEqual(Object.values(topology.subscriptions).map((s) => s.name).sort());
    expect([...services].sort()).toEqual(Object.values(topology.stages).map((s) => s.functionName).sort());
    expect(subscriptions).toContain(topology.subscriptions[topology.deadLetterSubscription]?.name);
  });

  it('declares the log-based metrics the dashboard reads, over the stages functions only', () => {
    const { json, topology } = current();
    const metrics = resources(json, 'google_logging_metric').map((r) => r.body);
    expect(metrics.map((m) => String(m['name']).split('/').pop()).sort()).toEqual(['batch-size', 'e2e-latency', 'messages', 'model-time', 'stage-latency']);
    const read = new Set(filtersOf(dashboardOf(json).mosaicLayout.tiles).flatMap((f) => quoted(f, 'metric.type')).filter((t) => t.startsWith('logging.googleapis.com/user/')));
    expect([...read].sort()).toEqual(metrics.map((m) => `logging.googleapis.com/user/${String(m['name'])}`).sort());
    for (const metric of metrics) {
      for (const stage of Object.values(topology.stages)) expect(metric['filter']).toContain(`"${stage.functionName}"`);
      expect((metric['label_extractors'] as Body)['stage']).toBe('EXTRACT(jsonPayload.stage)');
    }
    const messages = metrics.find((m) => String(m['name']).endsWith('/messages')) as Body;
    expect((messages['label_extractors'] as Body)['outcome']).toBe('EXTRACT(jsonPayload.outcome)');
  });

  it('has the three alert policies: dead letters, oldest unacked message age, push error ratio', () => {
    const { json, topology, environment } = current();
    const policies = resources(json, 'google_monitoring_alert_policy').map((r) => r.body);
    expect(policies).toHaveLength(3);
    const named = (part: string): Body => {
      const found = policies.find((p) => String(p['display_name']).includes(part));
      if (!found) throw new Error(`no alert policy named like "${part}": ${policies.map((p) => p['display_name']).join(', ')}`);
      return found;
    };
    const condition = (policy: Body, i = 0): Body => ((policy['conditions'] as Body[])[i] as Body)['condition_threshold'] as Body;

    const deadLetters = named('dead letters');
    expect(condition(deadLetters)['filter']).toContain(`resource.labels.topic_id="${topology.topics[topology.deadLetter]?.name}"`);
    expect(condition(deadLetters)).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0 });
    expect((condition(deadLetters)['aggregations'] as Body[])[0]?.['alignment_period']).toBe('300s');

    const age = environment.oldestUnackedAlertSeconds ?? MONITORING_DEFAULTS.oldestUnackedAlertSeconds;
    const oldest = named('oldest unacked');
    expect(condition(oldest)).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: age });
    for (const stage of Object.values(topology.stages)) expect(condition(oldest)['filter']).toContain(`"${topology.subscriptions[stage.subscription]?.name}"`);

    const errors = named('push error ratio');
    expect(condition(errors)).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0.01 });
    expect(condition(errors)['filter']).toContain('metric.labels.response_class != "ack"');
    expect(condition(errors)['denominator_filter']).toContain('push_request_count');
  });

  it('notifies the configured e-mail address, or no channel at all', () => {
    const { json, environment } = current();
    const channels = resources(json, 'google_monitoring_notification_channel');
    const policies = resources(json, 'google_monitoring_alert_policy').map((r) => r.body);
    if (!environment.alertEmail) {
      expect(channels).toEqual([]);
      for (const policy of policies) expect(policy['notification_channels']).toEqual([]);
      return;
    }
    expect(channels).toHaveLength(1);
    expect(channels[0]?.body).toMatchObject({ type: 'email', labels: { email_address: environment.alertEmail } });
    for (const policy of policies) {
      const [channel] = policy['notification_channels'] as string[];
      expect(target(json, channel).type).toBe('google_monitoring_notification_channel');
    }
  });
});

it('covers both cases: the fixture configures an alert e-mail for prod only', () => {
  expect(cases.map((c) => Boolean(c.environment.alertEmail))).toEqual([false, true]);
});
