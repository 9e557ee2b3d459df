/**
 * Filtered subscriptions made by local provisioning hold for every client: the official client library, the
 * emulator's REST API and gcloud pull only the messages that match, with data, attributes and ordering key as
 * published. The emulator on its own ignores filters (README, emulator gaps).
 */
import type { PubSub } from '@google-cloud/pubsub';
import { definition as pipeline } from '../../../functions/definition';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { PipelineDefinition } from '../../../toolkit/core/pipeline/types';
import { startFilterRouter, type FilterRouter } from '../../../toolkit/local/filter-router';
import { filteredRoutes } from '../../../toolkit/local/filtered-subscriptions';
import { provisionTopology } from '../../../toolkit/local/provision';
import { collect } from '../../support/collect';
import { emulatorClient, emulatorHost, uniqueProject } from '../../support/emulator';
import { gcloudPull, restPull } from '../../support/pull-clients';

jest.setTimeout(120_000);

/** The default pipeline, with the bugs subscription ordered, so the ordering key's passage is checked too. */
const definition: PipelineDefinition = {
  ...pipeline,
  subscriptions: { ...pipeline.subscriptions, bugs: { ...pipeline.subscriptions.bugs, enableMessageOrdering: true } },
};
const topology = compileTopology(definition, { project: uniqueProject('router'), prefix: '' });
const resultsTopic = topology.topics['results']!.name;
const bugs = topology.subscriptions['bugs']!;

/** One batch of results: a bug report, praise and a French result; only the first matches `attributes.topic = "bug"`. */
function batch(tag: string): { data: Buffer; attributes: Record<string, string>; orderingKey?: string }[] {
  return [
    { data: Buffer.from(JSON.stringify({ text: `the app crashes ${tag}` })), attributes: { topic: 'bug', lang: 'en', [ATTR.correlationId]: `bug-${tag}` }, orderingKey: `customer-${tag}` },
    { data: Buffer.from(JSON.stringify({ text: `great work ${tag}` })), attributes: { topic: 'praise', lang: 'en', [ATTR.correlationId]: `praise-${tag}` } },
    { data: Buffer.from(JSON.stringify({ text: `merci ${tag}` })), attributes: { lang: 'fr', [ATTR.correlationId]: `fr-${tag}` } },
  ];
}

describe('local filtered subscriptions', () => {
  let pubsub: PubSub;
  let router: FilterRouter;
  const lines: string[] = [];

  beforeAll(async () => {
    pubsub = emulatorClient(topology.project);
    await provisionTopology(pubsub, topology, () => 'http://127.0.0.1:9');
    router = startFilterRouter({ emulatorHost: emulatorHost(), topology, echo: (line) => lines.push(line) });
  });

  afterAll(async () => {
    await router?.stop();
    await pubsub?.close();
  });

  const publish = async (tag: string): Promise<void> => {
    const topic = pubsub.topic(resultsTopic, { messageOrdering: true });
    await Promise.all(batch(tag).map((message) => topic.publishMessage(message)));
  };

  it('routes every filtered results subscription, and no stage subscription', () => {
    const routed = filteredRoutes(topology).map((route) => route.subscription.key);
    expect(routed.sort()).toEqual(['bugs', 'fromImages', 'negative', 'nonEnglish']);
  });

  it('delivers only matching messages to the official client, with data, attributes and ordering key intact', async () => {
    // Prepare / Act
    let firstAt = 0;
    const receiving = collect(pubsub, bugs.name, { until: (received) => (firstAt ||= Date.now()) > 0 && received.length >= 1, timeoutMillis: 30_000, settleMillis: 2_000 });
    const publishedAt = Date.now();
    await publish('client');
    const received = await receiving;
    process.stdout.write(`filter router: publish to the results topic → pulled from ${bugs.name}: ${firstAt - publishedAt} ms\n`);
    // Assess
    const expected = batch('client')[0]!;
    expect(received.map((m) => m.attributes)).toEqual([expected.attributes]);
    expect(received[0]?.data.toString()).toBe(expected.data.toString());
    expect(router.counts[bugs.name]).toMatchObject({ routed: 1, dropped: 2, failed: 0 });
  });

  it('delivers only matching messages over the REST API', async () => {
    await publish('rest');
    const received = await restPull(emulatorHost(), topology.project, bugs.name, { count: 1, settleMillis: 2_000 });
    const expected = batch('rest')[0]!;
    expect(received.map((m) => m.message.attributes)).toEqual([expected.attributes]);
    expect(Buffer.from(received[0]?.message.data ?? '', 'base64').toString()).toBe(expected.data.toString());
    expect(received[0]?.message.orderingKey).toBe(expected.orderingKey);
  });

  it('delivers only matching messages to gcloud pubsub subscriptions pull', async () => {
    // Prepare: wait until the router has seen all three (gcloud pulls once).
    const before = { ...router.counts[bugs.name]! };
    await publish('gcloud');
    for (let waited = 0; router.counts[bugs.name]!.routed + router.counts[bugs.name]!.dropped < before.routed + before.dropped + 3 && waited < 30_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Act: without the router this one pull would return all three.
    const pulled = await gcloudPull(emulatorHost(), topology.project, bugs.name);
    // Assess
    expect(pulled.map((m) => m.message.attributes)).toEqual([batch('gcloud')[0]!.attributes]);
  });

  it('keeps the praise and French results off the bugs subscription but on the unfiltered one', async () => {
    const all = topology.subscriptions[topology.resultsSubscription!]!.name;
    const received = await collect(pubsub, all, { until: (r) => r.length >= 9, timeoutMillis: 30_000, settleMillis: 1_000 });
    expect(received).toHaveLength(9);
    expect(lines.filter((line) => line.includes('failed'))).toEqual([]);
  });
});
