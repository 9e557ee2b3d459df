/**
 * Parity: the synthesised stack holds exactly the topology `compileTopology` makes, no more, no less. Any drift
 * between the CDKTF constructs and the compiler (a renamed topic, a lost filter, a changed dead-letter policy)
 * fails here.
 */
import { type Body, reference, resources, type SynthJson, stackCases, type StackCase, target } from '../support/synth';

let cases: StackCase[];

beforeAll(() => {
  // Prepare: synthesise every stack once; compile the topology independently of the app's own wiring.
  cases = stackCases();
});

const byName = (json: SynthJson, type: string): Map<string, Body> =>
  new Map(resources(json, type).map((r) => [r.body['name'] as string, r.body]));

describe.each(['dev', 'prod'])('%s stack', (env) => {
  const current = (): StackCase => {
    const found = cases.find((c) => c.environment.name === env);
    if (!found) throw new Error(`no ${env} stack`);
    return found;
  };

  it('has exactly the compiled topics, with their retention and labels', () => {
    const { json, topology, environment } = current();
    const topics = byName(json, 'google_pubsub_topic');
    expect([...topics.keys()].sort()).toEqual(Object.values(topology.topics).map((t) => t.name).sort());
    for (const topic of Object.values(topology.topics)) {
      const body = topics.get(topic.name) as Body;
      expect(body['message_retention_duration']).toBe(topic.messageRetentionDuration);
      expect(body['labels']).toEqual(topic.labels);
      expect(body['kms_key_name']).toBe(environment.kmsKeyName);
    }
  });

  it('has exactly the compiled subscriptions, attached to the compiled topics', () => {
    const { json, topology } = current();
    const subscriptions = byName(json, 'google_pubsub_subscription');
    expect([...subscriptions.keys()].sort()).toEqual(Object.values(topology.subscriptions).map((s) => s.name).sort());
    for (const sub of Object.values(topology.subscriptions)) {
      const body = subscriptions.get(sub.name) as Body;
      expect(target(json, body['topic']).body['name']).toBe(sub.topicName);
    }
  });

  it('gives every subscription its compiled filter, ordering, ack deadline, retries and retention', () => {
    const { json, topology } = current();
    const subscriptions = byName(json, 'google_pubsub_subscription');
    for (const sub of Object.values(topology.subscriptions)) {
      const body = subscriptions.get(sub.name) as Body;
      expect({ name: sub.name, filter: body['filter'] ?? '' }).toEqual({ name: sub.name, filter: sub.filter });
      expect(body['enable_message_ordering']).toBe(sub.enableMessageOrdering);
      expect(body['ack_deadline_seconds']).toBe(sub.ackDeadlineSeconds);
      expect(body['message_retention_duration']).toBe(sub.messageRetentionDuration);
      expect(body['retain_acked_messages']).toBe(sub.retainAckedMessages);
      expect(body['retry_policy']).toEqual({ minimum_backoff: sub.retryPolicy.minimumBackoff, maximum_backoff: sub.retryPolicy.maximumBackoff });
    }
  });

  it('gives exactly the compiled subscriptions their dead-letter policies', () => {
    const { json, topology } = current();
    const subscriptions = byName(json, 'google_pubsub_subscription');
    for (const sub of Object.values(topology.subscriptions)) {
      const policy = subscriptions.get(sub.name)?.['dead_letter_policy'] as Body | undefined;
      if (!sub.deadLetterPolicy) {
        expect({ name: sub.name, policy }).toEqual({ name: sub.name, policy: undefined });
        continue;
      }
      expect(policy?.['max_delivery_attempts']).toBe(sub.deadLetterPolicy.maxDeliveryAttempts);
      expect(target(json, policy?.['dead_letter_topic']).body['name']).toBe(sub.deadLetterPolicy.deadLetterTopicName);
    }
  });

  it('pushes each stage subscription to its own function at the compiled push path', () => {
    const { json, topology } = current();
    const subscriptions = byName(json, 'google_pubsub_subscription');
    const pushed = Object.values(topology.subscriptions).filter((s) => s.kind === 'push');
    expect(pushed.length).toBe(Object.keys(topology.stages).length);
    for (const stage of Object.values(topology.stages)) {
      const sub = topology.subscriptions[stage.subscription];
      const push = subscriptions.get(sub?.name ?? '')?.['push_config'] as Body;
      const endpoint = push['push_endpoint'] as string;
      expect(endpoint.endsWith(stage.pushPath)).toBe(true);
      const base = endpoint.slice(0, endpoint.length - stage.pushPath.length);
      const fn = target(json, base);
      expect(fn.type).toBe('google_cloudfunctions2_function');
      expect(fn.body['name']).toBe(stage.functionName);
      expect(reference(base)?.attribute).toBe('service_config[0].uri');
      expect((push['oidc_token'] as Body)['audience']).toBe(base);
    }
    for (const sub of Object.values(topology.subscriptions).filter((s) => s.kind === 'pull')) {
      expect(subscriptions.get(sub.name)?.['push_config']).toBeUndefined();
    }
  });

  it('deploys each compiled stage as a function with its entry point and resources', () => {
    const { json, topology } = current();
    const functions = byName(json, 'google_cloudfunctions2_function');
    expect([...functions.keys()].sort()).toEqual(Object.values(topology.stages).map((s) => s.functionName).sort());
    for (const stage of Object.values(topology.stages)) {
      const body = functions.get(stage.functionName) as Body;
      const service = body['service_config'] as Body;
      expect((body['build_config'] as Body)['entry_point']).toBe(stage.entryPoint);
      expect(service).toMatchObject({
        available_memory: stage.availableMemory,
        available_cpu: stage.availableCpu,
        max_instance_request_concurrency: stage.maxInstanceRequestConcurrency,
        min_instance_count: stage.minInstanceCount,
        max_instance_count: stage.maxInstanceCount,
        timeout_seconds: stage.timeoutSeconds,
      });
      const env = service['environment_variables'] as Record<string, string>;
      expect(env['PIPELINE_STAGE']).toBe(stage.key);
      expect(JSON.parse(env['PIPELINE_TOPICS'] as string)).toEqual(
        Object.fromEntries(stage.publishesTo.map((key) => [key, topology.topics[key]?.name])),
      );
    }
  });

  it("lets each stage's identity publish to exactly the topics the topology allows", () => {
    const { json, topology } = current();
    const functions = byName(json, 'google_cloudfunctions2_function');
    const grants = resources(json, 'google_pubsub_topic_iam_member');
    for (const stage of Object.values(topology.stages)) {
      const identity = (functions.get(stage.functionName)?.['service_config'] as Body)['service_account_email'] as string;
      const account = target(json, identity);
      const topics = grants
        .filter((g) => reference(g.body['member'])?.id === account.id)
        .map((g) => {
          expect(g.body['role']).toBe('roles/pubsub.publisher');
          return target(json, g.body['topic']).body['name'];
        });
      expect(topics.sort()).toEqual(stage.publishesTo.map((key) => topology.topics[key]?.name).sort());
    }
  });
});
